// Workflow definitions: one row per workflow name, one per version (the normalised definition as
// JSON). A version is immutable: saving the same version with a different definition is refused,
// as for tasks, so a run always executes what its version says.
import semver from 'semver';
import { ConflictError, fromJson, iso, toJson, type Db } from '../codec.ts';
import { runListQuery, type ListQuery, type ListResult, type ListSpec } from '../list-query.ts';

export interface WorkflowRecord {
  id: number;
  name: string;
  latestVersion: string | null;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowVersionRecord {
  id: number;
  workflowId: number;
  name: string;
  version: string;
  description: string;
  definition: unknown;
  createdAt: string;
}

/**
 * Stores a version (creating the workflow on first save). The same version with the same
 * definition is returned as it is (`created: false`); with a different one, a ConflictError.
 */
export async function saveWorkflowVersion(
  db: Db,
  input: { name: string; version: string; description: string; definition: unknown },
): Promise<{ version: WorkflowVersionRecord; created: boolean }> {
  const now = Date.now();
  await db
    .insertInto('workflows')
    .values({ name: input.name, latest_version_id: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const wf = await db
    .selectFrom('workflows')
    .select(['id'])
    .where('name', '=', input.name)
    .executeTakeFirstOrThrow();
  const workflowId = Number(wf.id);
  const text = toJson(input.definition);
  const existing = await getWorkflowVersion(db, input.name, input.version);
  if (existing) {
    if (toJson(existing.definition) === text) return { version: existing, created: false };
    throw new ConflictError(
      `workflow ${input.name} version ${input.version} already exists with a different definition; bump the version`,
    );
  }
  await db
    .insertInto('workflow_versions')
    .values({
      workflow_id: workflowId,
      version: input.version,
      description: input.description,
      definition: text,
      created_at: now,
    })
    .execute();
  const versions = await db
    .selectFrom('workflow_versions')
    .select(['id', 'version'])
    .where('workflow_id', '=', workflowId)
    .execute();
  const latest = versions.sort((a, b) => semver.rcompare(a.version, b.version))[0]!;
  await db
    .updateTable('workflows')
    .set({ latest_version_id: Number(latest.id), updated_at: now })
    .where('id', '=', workflowId)
    .execute();
  return { version: (await getWorkflowVersion(db, input.name, input.version))!, created: true };
}

/** A version by name (and version; without it, the latest). */
export async function getWorkflowVersion(
  db: Db,
  name: string,
  version?: string,
): Promise<WorkflowVersionRecord | undefined> {
  let qb = db
    .selectFrom('workflow_versions as v')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select(['v.id', 'v.workflow_id', 'w.name', 'v.version', 'v.description', 'v.definition', 'v.created_at'])
    .where('w.name', '=', name);
  qb =
    version === undefined || version === 'latest'
      ? qb.whereRef('v.id', '=', 'w.latest_version_id')
      : qb.where('v.version', '=', version);
  const row = await qb.executeTakeFirst();
  return row ? toVersion(row) : undefined;
}

export async function getWorkflowVersionById(db: Db, id: number): Promise<WorkflowVersionRecord | undefined> {
  const row = await db
    .selectFrom('workflow_versions as v')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select(['v.id', 'v.workflow_id', 'w.name', 'v.version', 'v.description', 'v.definition', 'v.created_at'])
    .where('v.id', '=', id)
    .executeTakeFirst();
  return row ? toVersion(row) : undefined;
}

export async function listWorkflowVersions(db: Db, name: string): Promise<WorkflowVersionRecord[]> {
  const rows = await db
    .selectFrom('workflow_versions as v')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select(['v.id', 'v.workflow_id', 'w.name', 'v.version', 'v.description', 'v.definition', 'v.created_at'])
    .where('w.name', '=', name)
    .execute();
  return rows.map(toVersion).sort((a, b) => semver.rcompare(a.version, b.version));
}

const WORKFLOW_LIST: ListSpec = {
  fields: {
    id: { column: 'w.id', kind: 'number' },
    name: { column: 'w.name', kind: 'string' },
    latestVersion: { column: 'lv.version', kind: 'string' },
    description: { column: 'lv.description', kind: 'string' },
    createdAt: { column: 'w.created_at', kind: 'time' },
    updatedAt: { column: 'w.updated_at', kind: 'time' },
  },
  defaultSort: { field: 'name', order: 'asc' },
  idColumn: 'w.id',
};

export async function listWorkflows(db: Db, q: ListQuery = {}): Promise<ListResult<WorkflowRecord>> {
  const base = db
    .selectFrom('workflows as w')
    .leftJoin('workflow_versions as lv', 'lv.id', 'w.latest_version_id');
  const res = await runListQuery(base, WORKFLOW_LIST, q, (qb) =>
    (qb as typeof base).select([
      'w.id',
      'w.name',
      'lv.version',
      'lv.description',
      'w.created_at',
      'w.updated_at',
    ]),
  );
  return {
    rows: (
      res.rows as {
        id: number;
        name: string;
        version: string | null;
        description: string | null;
        created_at: number;
        updated_at: number;
      }[]
    ).map((r) => ({
      id: Number(r.id),
      name: r.name,
      latestVersion: r.version,
      description: r.description ?? '',
      createdAt: iso(Number(r.created_at)),
      updatedAt: iso(Number(r.updated_at)),
    })),
    total: res.total,
  };
}

function toVersion(row: {
  id: number;
  workflow_id: number;
  name: string;
  version: string;
  description: string;
  definition: string;
  created_at: number;
}): WorkflowVersionRecord {
  return {
    id: Number(row.id),
    workflowId: Number(row.workflow_id),
    name: row.name,
    version: row.version,
    description: row.description,
    definition: fromJson(row.definition),
    createdAt: iso(Number(row.created_at)),
  };
}

/** A workflow's name by its id (schedules store the id). */
export async function getWorkflowName(db: Db, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('workflows').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name;
}
