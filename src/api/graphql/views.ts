// Service records as the GraphQL types read them. Jobs, schedules and versions reuse REST's views
// (models.ts) so both faces show the same fields (priority names, redacted destinations, upper-case
// enums); tasks add the brief's `version` word (`label` is batch-loaded, loaders.ts).
import type { TaskRecord, TaskVersionRecord } from '../../services/tasks.ts';
import { versionDetailView } from '../rest/models.ts';

export { jobView, scheduleView, versionView, versionDetailView } from '../rest/models.ts';

export interface TaskNode extends TaskRecord {
  version: string | null;
  /** The version `current` shows, when the lookup already read it. */
  detail?: ReturnType<typeof versionDetailView> | null;
}

export function taskNode(t: TaskRecord, version?: TaskVersionRecord | null): TaskNode {
  const node: TaskNode = { ...t, version: t.latestVersion };
  if (version !== undefined) node.detail = version ? versionDetailView(version) : null;
  return node;
}
