// The store's list contract (filters, one sort, offset/limit, total) applied to rows already in
// memory: for resources that are not a table of their own (configured task sources) or are small
// and listed whole (API keys). Same operators, same errors (ListQueryError → 400) as runListQuery.
import { FILTER_OPS, ListQueryError, MAX_LIMIT, DEFAULT_LIMIT } from '../store/list-query.ts';
import type { FieldKind, ListFilter, ListQuery, ListResult } from '../store/list-query.ts';

export interface MemoryListSpec {
  fields: Record<string, FieldKind>;
  defaultSort: { field: string; order: 'asc' | 'desc' };
}

type Scalar = string | number | boolean | null;

function coerce(field: string, kind: FieldKind, value: unknown): Scalar {
  const bad = (what: string): never => {
    throw new ListQueryError(`filter ${field}: ${JSON.stringify(value)} is not ${what}`);
  };
  switch (kind) {
    case 'number': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      return Number.isFinite(n) ? n : bad('a number');
    }
    case 'boolean':
      if (value === true || value === 'true' || value === 1 || value === '1') return true;
      if (value === false || value === 'false' || value === 0 || value === '0') return false;
      return bad('true or false');
    case 'time': {
      const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isFinite(ms) ? ms : bad('a time (ISO-8601 or epoch milliseconds)');
    }
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : bad('a string');
  }
}

/** A row's value in comparable form (times as epoch ms). */
function cell(kind: FieldKind, value: unknown): Scalar {
  if (value === null || value === undefined) return null;
  if (kind === 'time') return typeof value === 'string' ? Date.parse(value) : Number(value);
  if (kind === 'boolean') return Boolean(value);
  if (kind === 'number') return Number(value);
  return String(value);
}

function compare(a: Scalar, b: Scalar): number {
  // SQL orders NULL differently per dialect; here nulls sort first ascending, as SQLite does.
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function listValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value === '' ? [] : value.split(',');
  return [value];
}

function matcher(spec: MemoryListSpec, f: ListFilter): (row: Record<string, unknown>) => boolean {
  const kind = spec.fields[f.field];
  if (!kind) {
    throw new ListQueryError(
      `cannot filter on "${f.field}"; allowed fields: ${Object.keys(spec.fields).join(', ')}`,
    );
  }
  const get = (row: Record<string, unknown>): Scalar => cell(kind, row[f.field]);
  const cmp = (test: (c: number) => boolean) => {
    const v = coerce(f.field, kind, f.value);
    return (row: Record<string, unknown>) => {
      const c = get(row);
      return c !== null && test(compare(c, v));
    };
  };
  switch (f.op) {
    case 'eq':
      return cmp((c) => c === 0);
    case 'ne':
      return cmp((c) => c !== 0);
    case 'gt':
      return cmp((c) => c > 0);
    case 'gte':
      return cmp((c) => c >= 0);
    case 'lt':
      return cmp((c) => c < 0);
    case 'lte':
      return cmp((c) => c <= 0);
    case 'like': {
      if (kind !== 'string')
        throw new ListQueryError(`filter ${f.field}: "like" applies to text fields only`);
      const needle = String(coerce(f.field, 'string', f.value)).toLowerCase();
      return (row) =>
        String(get(row) ?? '')
          .toLowerCase()
          .includes(needle);
    }
    case 'in':
    case 'not_in': {
      const set = listValues(f.value).map((v) => coerce(f.field, kind, v));
      const inSet = (row: Record<string, unknown>) => set.some((v) => compare(get(row), v) === 0);
      return f.op === 'in' ? inSet : (row) => get(row) !== null && !inSet(row);
    }
    default:
      throw new ListQueryError(
        `unknown filter operator "${String(f.op)}"; allowed: ${FILTER_OPS.join(', ')}`,
      );
  }
}

export function listInMemory<T extends object>(
  rows: readonly T[],
  spec: MemoryListSpec,
  q: ListQuery,
): ListResult<T> {
  const offset = q.offset ?? 0;
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(offset) || offset < 0)
    throw new ListQueryError(`offset ${offset} must be an integer ≥ 0`);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT)
    throw new ListQueryError(`limit ${limit} must be an integer from 0 to ${MAX_LIMIT}`);
  const tests = (q.filters ?? []).map((f) => matcher(spec, f));
  const sort = q.sort ?? spec.defaultSort;
  const kind = spec.fields[sort.field];
  if (!kind) {
    throw new ListQueryError(
      `cannot sort by "${sort.field}"; allowed fields: ${Object.keys(spec.fields).join(', ')}`,
    );
  }
  if (sort.order !== 'asc' && sort.order !== 'desc')
    throw new ListQueryError(`sort order "${String(sort.order)}" must be asc or desc`);
  const sign = sort.order === 'asc' ? 1 : -1;
  const matching = (rows as readonly Record<string, unknown>[]).filter((r) => tests.every((t) => t(r)));
  matching.sort((a, b) => sign * compare(cell(kind, a[sort.field]), cell(kind, b[sort.field])));
  return { rows: matching.slice(offset, offset + limit) as T[], total: matching.length };
}
