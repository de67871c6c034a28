// The store's list contract (filters, one sort, offset/limit, total) applied to rows already in
// memory: for resources that are not a table of their own (configured task sources) or are small
// and listed whole (API keys). Same operators, same errors (ListQueryError → 400) as runListQuery.
import {
  coerceFilterValue,
  DEFAULT_LIMIT,
  FILTER_OPS,
  listValues,
  ListQueryError,
  MAX_LIMIT,
  ownField,
} from '../store/list-query.ts';
import type { FieldKind, ListFilter, ListQuery, ListResult } from '../store/list-query.ts';

export interface MemoryListSpec {
  fields: Record<string, FieldKind>;
  defaultSort: { field: string; order: 'asc' | 'desc' };
}

type Scalar = string | number | boolean | null;

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

function matcher(spec: MemoryListSpec, f: ListFilter): (row: Record<string, unknown>) => boolean {
  const kind = ownField(spec.fields, f.field);
  if (!kind) {
    throw new ListQueryError(
      `cannot filter on "${f.field}"; allowed fields: ${Object.keys(spec.fields).join(', ')}`,
    );
  }
  const get = (row: Record<string, unknown>): Scalar => cell(kind, row[f.field]);
  const cmp = (test: (c: number) => boolean) => {
    const v = coerceFilterValue(f.field, kind, f.value);
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
      const needle = String(coerceFilterValue(f.field, 'string', f.value)).toLowerCase();
      return (row) =>
        String(get(row) ?? '')
          .toLowerCase()
          .includes(needle);
    }
    case 'in':
    case 'not_in': {
      const set = listValues(f.value).map((v) => coerceFilterValue(f.field, kind, v));
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
  const kind = ownField(spec.fields, sort.field);
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
