// A workflow's text as read from disk, and checking it: parsed, then validated against the tasks a
// store holds. The services, the registry's sync and every face use these, so a definition is
// judged the same way wherever it comes from.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../store/codec.ts';
import { parseWorkflowText } from './parse.ts';
import { validateWorkflow, type TaskCheck } from './validate.ts';
import type { SchemaLookup } from './compat.ts';
import { getLatestTaskVersion, getTask, getTaskVersion } from '../store/repos/tasks.ts';
import { WorkflowDefinitionError, type WorkflowDefinition, type WorkflowProblem } from './types.ts';
import { resolveStepTask } from './engine/start.ts';

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
function storeTaskCheck(db: Db): TaskCheck {
  return async (task, version) => {
    const r = await resolveStepTask(db, { task, ...(version ? { task_version: version } : {}) });
    return 'problem' in r ? r.problem : undefined;
  };
}

/** The schemas of a step's task in the store (the pinned version, else the latest). */
export function storeTaskSchemas(db: Db): SchemaLookup {
  return async (name, version) => {
    const task = await getTask(db, name);
    if (!task) return undefined;
    const v = version ? await getTaskVersion(db, task.id, version) : await getLatestTaskVersion(db, task.id);
    return v ? { input: v.inputSchema, output: v.outputSchema } : undefined;
  };
}

/** What a definition is checked against: its tasks exist and, where known, their schemas fit. */
export interface TaskCatalog {
  checkTask: TaskCheck;
  taskSchemas?: SchemaLookup;
}

/** The store's tasks as a catalog. */
export function storeCatalog(db: Db): TaskCatalog {
  return { checkTask: storeTaskCheck(db), taskSchemas: storeTaskSchemas(db) };
}

export interface Checked {
  definition: WorkflowDefinition | undefined;
  problems: WorkflowProblem[];
}

/** Parses and validates a workflow's text; never throws for a bad definition. */
export async function checkWorkflowText(source: WorkflowSource, catalog?: TaskCatalog): Promise<Checked> {
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
    ...(catalog ?? {}),
  });
  return { definition, problems };
}
