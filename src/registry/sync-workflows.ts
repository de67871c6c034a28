// Syncing a source's workflow folders into the store, after its tasks (a workflow is checked
// against the tasks it names). The rules are the tasks' rules: a new workflow or a new version is
// stored, the same version with the same definition is unchanged, and the same version with a
// different definition is refused (runs refer to stored versions) while the stored one stays.
import { ConflictError, type Db } from '../store/codec.ts';
import { getWorkflowVersion, saveWorkflowVersion } from '../store/repos/workflows.ts';
import { checkWorkflowText, readWorkflowSource, storeCatalog } from '../workflows/source.ts';
import { formatProblem, WorkflowDefinitionError } from '../workflows/types.ts';
import { findWorkflowFolders, relativeTaskPath } from './scan.ts';
import type { SyncReport } from './sync.ts';

export interface SyncedWorkflow {
  /** The workflow folder relative to the source root. */
  path: string;
  name: string;
  version: string;
}

/** Stores every workflow folder under root, adding what happened to the report. */
export async function syncWorkflowFolders(db: Db, root: string, report: SyncReport): Promise<void> {
  const check = storeCatalog(db);
  for (const folder of await findWorkflowFolders(root)) {
    const path = relativeTaskPath(root, folder);
    const fail = (problems: string[]) => report.failed.push({ path, problems });
    let source;
    try {
      source = await readWorkflowSource(folder);
    } catch (err) {
      if (!(err instanceof WorkflowDefinitionError)) throw err;
      fail(err.problems.map(formatProblem));
      continue;
    }
    // Problems name the file relative to the source, as task problems do.
    const { definition, problems } = await checkWorkflowText(
      { file: `${path}/${source.file.slice(folder.length + 1)}`, text: source.text },
      check,
    );
    if (!definition || problems.length > 0) {
      fail(problems.map(formatProblem));
      continue;
    }
    try {
      const known = await getWorkflowVersion(db, definition.name);
      const saved = await saveWorkflowVersion(db, {
        name: definition.name,
        version: definition.version,
        description: definition.description,
        definition,
      });
      const label = `workflow ${definition.name}@${definition.version}`;
      if (!saved.created) report.unchanged++;
      else (known ? report.updated : report.added).push(label);
      report.workflows.push({ path, name: definition.name, version: definition.version });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      fail([
        `content changed but workflow ${definition.name} version ${definition.version} already exists: bump its version (version ${definition.version} stays as stored)`,
      ]);
    }
  }
}
