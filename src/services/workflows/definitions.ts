// Workflow definitions as a service: reading a workflow file or folder, validating it against the
// tasks this application knows, storing versions, listing them. Every face calls these.
import type { Ratchet } from '../context.ts';
import { WorkflowDefinitionError, type WorkflowProblem } from '../../workflows/types.ts';
import { checkWorkflowText, storeCatalog, type WorkflowSource } from '../../workflows/source.ts';
import {
  getWorkflowVersion,
  listWorkflowVersions,
  listWorkflows,
  saveWorkflowVersion,
} from '../../store/repos/workflows.ts';
import type { WorkflowRecord, WorkflowVersionRecord } from '../../store/repos/workflows.ts';
import { NotFoundError } from '../../store/codec.ts';
import type { ListQuery, ListResult } from '../../store/list-query.ts';

export { WorkflowDefinitionError, formatProblem } from '../../workflows/types.ts';
export type { WorkflowDefinition, WorkflowProblem } from '../../workflows/types.ts';
export {
  WORKFLOW_FILES,
  checkWorkflowText,
  readWorkflowSource,
  storeCatalog,
  type Checked,
  type WorkflowSource,
} from '../../workflows/source.ts';

/**
 * A definition sent to an API (REST body, MCP argument, GraphQL argument) as a workflow file: YAML
 * or JSON text as is, an object as pretty JSON, so problems point at lines of what was sent.
 */
export function workflowSourceOf(definition: string | Record<string, unknown>): WorkflowSource {
  return typeof definition === 'string'
    ? { file: 'definition', text: definition }
    : { file: 'definition.json', text: JSON.stringify(definition, null, 2) };
}

/** Validates against this application's tasks and stores the version (refused when invalid). */
export async function saveWorkflow(
  app: Ratchet,
  source: WorkflowSource,
): Promise<{ version: WorkflowVersionRecord; created: boolean }> {
  const { definition, problems } = await checkWorkflowText(source, storeCatalog(app.store.db));
  if (!definition || problems.length > 0) throw new WorkflowDefinitionError(problems);
  return saveWorkflowVersion(app.store.db, {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    definition,
  });
}

/** Checks a definition against this application's tasks without storing it. */
export async function validateWorkflow(
  app: Ratchet,
  source: WorkflowSource,
): Promise<{ valid: boolean; problems: WorkflowProblem[] }> {
  const { problems } = await checkWorkflowText(source, storeCatalog(app.store.db));
  return { valid: problems.length === 0, problems };
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
