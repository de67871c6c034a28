// Workers: each `ratchet serve`/`ratchet worker` process registers itself and heartbeats, so the
// cluster view and stale-worker detection come from one table.
import type { Selectable } from 'kysely';
import type { WorkerStatus, WorkersTable } from '../schema.ts';
import { NotFoundError, fromJson, iso, toJson, toMs } from '../codec.ts';
import type { Db, TimeInput } from '../codec.ts';
import { runListQuery } from '../list-query.ts';
import type { ListQuery, ListResult, ListSpec } from '../list-query.ts';

export interface WorkerRecord {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  capacity: number;
  runningJobs: number;
  jobsCompleted: number;
  jobsFailed: number;
  status: WorkerStatus;
  startedAt: string;
  lastHeartbeatAt: string;
  metadata: Record<string, unknown>;
}

export interface RegisterWorkerInput {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  capacity: number;
  metadata?: Record<string, unknown>;
}

export interface HeartbeatInput {
  runningJobs: number;
  jobsCompleted?: number;
  jobsFailed?: number;
  status?: WorkerStatus;
}

function toWorker(row: Selectable<WorkersTable>): WorkerRecord {
  return {
    id: row.id,
    hostname: row.hostname,
    pid: row.pid,
    version: row.version,
    capacity: row.capacity,
    runningJobs: row.running_jobs,
    jobsCompleted: row.jobs_completed,
    jobsFailed: row.jobs_failed,
    status: row.status,
    startedAt: iso(row.started_at),
    lastHeartbeatAt: iso(row.last_heartbeat_at),
    metadata: fromJson<Record<string, unknown>>(row.metadata),
  };
}

/** Registers (or re-registers after a restart with the same id) a worker as ONLINE. */
export async function registerWorker(db: Db, input: RegisterWorkerInput): Promise<WorkerRecord> {
  const now = Date.now();
  const values = {
    id: input.id,
    hostname: input.hostname,
    pid: input.pid,
    version: input.version,
    capacity: input.capacity,
    running_jobs: 0,
    jobs_completed: 0,
    jobs_failed: 0,
    status: 'ONLINE' as const,
    started_at: now,
    last_heartbeat_at: now,
    metadata: toJson(input.metadata ?? {}),
  };
  const { id: _id, ...update } = values;
  const row = await db
    .insertInto('workers')
    .values(values)
    .onConflict((oc) => oc.column('id').doUpdateSet(update))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWorker(row);
}

export async function heartbeatWorker(db: Db, id: string, beat: HeartbeatInput): Promise<WorkerRecord> {
  const row = await db
    .updateTable('workers')
    .set({
      running_jobs: beat.runningJobs,
      ...(beat.jobsCompleted !== undefined ? { jobs_completed: beat.jobsCompleted } : {}),
      ...(beat.jobsFailed !== undefined ? { jobs_failed: beat.jobsFailed } : {}),
      ...(beat.status !== undefined ? { status: beat.status } : {}),
      last_heartbeat_at: Date.now(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`worker ${id} is not registered`);
  return toWorker(row);
}

export async function setWorkerStatus(db: Db, id: string, status: WorkerStatus): Promise<WorkerRecord> {
  const row = await db
    .updateTable('workers')
    .set({ status })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`worker ${id} is not registered`);
  return toWorker(row);
}

/** Marks workers whose last heartbeat is before `before` OFFLINE; returns their ids. */
export async function markStaleWorkersOffline(db: Db, before: TimeInput): Promise<string[]> {
  const rows = await db
    .updateTable('workers')
    .set({ status: 'OFFLINE', running_jobs: 0 })
    .where('status', '<>', 'OFFLINE')
    .where('last_heartbeat_at', '<', toMs(before))
    .returning('id')
    .execute();
  return rows.map((r) => r.id).sort();
}

export async function getWorker(db: Db, id: string): Promise<WorkerRecord | undefined> {
  const row = await db.selectFrom('workers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toWorker(row) : undefined;
}

export async function deleteWorker(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('workers').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

const WORKER_LIST: ListSpec = {
  fields: {
    id: { column: 'id', kind: 'string' },
    hostname: { column: 'hostname', kind: 'string' },
    status: { column: 'status', kind: 'string' },
    capacity: { column: 'capacity', kind: 'number' },
    runningJobs: { column: 'running_jobs', kind: 'number' },
    startedAt: { column: 'started_at', kind: 'time' },
    lastHeartbeatAt: { column: 'last_heartbeat_at', kind: 'time' },
  },
  defaultSort: { field: 'startedAt', order: 'desc' },
  idColumn: 'id',
};

export async function listWorkers(db: Db, q: ListQuery = {}): Promise<ListResult<WorkerRecord>> {
  const res = await runListQuery<Selectable<WorkersTable>>(db.selectFrom('workers'), WORKER_LIST, q, (qb) =>
    qb.selectAll(),
  );
  return { rows: res.rows.map(toWorker), total: res.total };
}
