// Wherever a request names a task (`taskId` in a body or a list filter), an id, a UUID or a name is
// accepted. These helpers turn any of them into the numeric id the store filters on.
import type { Ratchet } from './context.ts';
import { NotFoundError } from '../store/codec.ts';
import type { ListFilter, ListQuery } from '../store/list-query.ts';
import { getTask, type TaskRecord } from '../store/repos/tasks.ts';

/** The task named by id, UUID or name; NotFoundError otherwise. */
export async function requireTask(app: Pick<Ratchet, 'store'>, ref: string | number): Promise<TaskRecord> {
  const task = await getTask(app.store.db, ref);
  if (!task) throw new NotFoundError(`no task "${ref}" (give a numeric id, a UUID or a name)`);
  return task;
}

/** The status and task filters of the CLI's list commands. */
export interface ListFilterOptions {
  status?: string[];
  /** Task id, UUID or name. */
  task?: string;
  limit?: number;
}

/** Those options as store filters. */
export async function listFilters(
  app: Pick<Ratchet, 'store'>,
  opts: ListFilterOptions,
): Promise<ListFilter[]> {
  const filters: ListFilter[] = [];
  if (opts.status?.length)
    filters.push({ field: 'status', op: 'in', value: opts.status.map((s) => s.toUpperCase()) });
  if (opts.task !== undefined)
    filters.push({ field: 'taskId', op: 'eq', value: (await requireTask(app, opts.task)).id });
  return filters;
}

const IDENTITY_OPS = new Set(['eq', 'ne', 'in', 'not_in']);

function values(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  if (typeof value === 'string') return value === '' ? [] : value.split(',');
  return [value];
}

async function toId(app: Pick<Ratchet, 'store'>, v: unknown): Promise<unknown> {
  if (typeof v === 'number' || (typeof v === 'string' && /^[0-9]{1,15}$/.test(v))) return v;
  if (typeof v !== 'string') return v;
  return (await requireTask(app, v)).id;
}

/** Rewrites `taskId` filters whose values are UUIDs or names into numeric ids. */
export async function resolveTaskFilters(
  app: Pick<Ratchet, 'store'>,
  q: ListQuery,
  field = 'taskId',
): Promise<ListQuery> {
  if (!q.filters?.some((f) => f.field === field && IDENTITY_OPS.has(f.op))) return q;
  const filters: ListFilter[] = [];
  for (const f of q.filters) {
    if (f.field !== field || !IDENTITY_OPS.has(f.op)) {
      filters.push(f);
      continue;
    }
    const many = f.op === 'in' || f.op === 'not_in';
    const ids = await Promise.all(values(f.value).map((v) => toId(app, v)));
    filters.push({ ...f, value: many ? ids : ids[0] });
  }
  return { ...q, filters };
}

/** Names of the given task ids (deleted tasks included), for tables that would otherwise show ids. */
export async function taskNames(
  app: Pick<Ratchet, 'store'>,
  ids: readonly number[],
): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const id of new Set(ids)) {
    const task = await getTask(app.store.db, id, { includeDeleted: true });
    if (task) names.set(id, task.name);
  }
  return names;
}
