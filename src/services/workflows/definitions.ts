// Workflow definitions as a service: reading a workflow file or folder, validating it against the
// tasks this application knows, storing versions, listing them. Every face calls these.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ratchet } from '../context.ts';
import { parseWorkflowText } from '../../workflows/parse.ts';
import { validateWorkflow, type TaskCheck } from '../../workflows/validate.ts';
import {
  WorkflowDefinitionError,
  type WorkflowDefinition,
  type WorkflowProblem,
} from '../../workflows/types.ts';
import { resolveStepTask } from '../../workflows/engine/start.ts';
import {
  getWorkflowVersion,
  listWorkflowVersions,
  listWorkflows,
  saveWorkflowVersion,
} from '../../store/repos/workflows.ts';
import type { WorkflowRecord, WorkflowVersionRecord } from '../../store/repos/workflows.ts';
import { NotFoundError } from '../../store/codec.ts';
import type { ListQuery, ListResult } from '../../store/list-query.ts';
import type { Db } from '../../store/codec.ts';

export { WorkflowDefinitionError, formatProblem } from '../../workflows/types.ts';
export type { WorkflowDefinition, WorkflowProblem } from '../../workflows/types.ts';

export const WORKFLOW_FILES = ['workflow.yaml', 'workflow.yml', 'workflow.json'] as const;

export interface WorkflowSource {
  file: string;
  text: string;
}

/** The workflow file of a folder (workflow.yaml, .yml or .json), or the file itself. */
export async function readWorkflowSource(path: string): Promise<WorkflowSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new WorkflowDefinitionError([{ file: path, message: 'no such file or folder' }]);
  if (info.isDirectory()) {
    for (const name of WORKFLOW_FILES) {
      const file = join(path, name);
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined) return { file, text };
    }
    throw new WorkflowDefinitionError([
      { file: path, message: `the folder has no ${WORKFLOW_FILES.join(', ')}` },
    ]);
  }
  return { file: path, text: await readFile(path, 'utf8') };
}

/** Checks a step's task against the store's tasks. */
export function storeTaskCheck(db: Db): TaskCheck {
  return async (task, version) => {
    const r = await resolveStepTask(db, { task, ...(version ? { task_version: version } : {}) });
    return 'problem' in r ? r.problem : undefined;
  };
}

export interface Checked {
  definition: WorkflowDefinition | undefined;
  problems: WorkflowProblem[];
}

/** Parses and validates a workflow's text; never throws for a bad definition. */
export async function checkWorkflowText(source: WorkflowSource, checkTask?: TaskCheck): Promise<Checked> {
  let definition: WorkflowDefinition;
  try {
    definition = parseWorkflowText(source.text, source.file);
  } catch (err) {
    if (err instanceof WorkflowDefinitionError) return { definition: undefined, problems: err.problems };
    throw err;
  }
  const problems = await validateWorkflow(definition, {
    file: source.file,
    text: source.text,
    ...(checkTask ? { checkTask } : {}),
  });
  return { definition, problems };
}

/** Validates against this application's tasks and stores the version (refused when invalid). */
export async function saveWorkflow(
  app: Ratchet,
  source: WorkflowSource,
): Promise<{ version: WorkflowVersionRecord; created: boolean }> {
  const { definition, problems } = await checkWorkflowText(source, storeTaskCheck(app.store.db));
  if (!definition || problems.length > 0) throw new WorkflowDefinitionError(problems);
  return saveWorkflowVersion(app.store.db, {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    definition,
  });
}

export async function getWorkflow(
  app: Ratchet,
  name: string,
  version?: string,
): Promise<WorkflowVersionRecord> {
  const found = await getWorkflowVersion(app.store.db, name, version);
  if (!found)
    throw new NotFoundError(`workflow ${name}${version ? ` version ${version}` : ''} does not exist`);
  return found;
}

export function listWorkflowDefinitions(
  app: Ratchet,
  q: ListQuery = {},
): Promise<ListResult<WorkflowRecord>> {
  return listWorkflows(app.store.db, q);
}

export function workflowVersions(app: Ratchet, name: string): Promise<WorkflowVersionRecord[]> {
  return listWorkflowVersions(app.store.db, name);
}
