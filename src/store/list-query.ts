// The one list query every "list X" endpoint uses: whitelisted filters, one sort, offset/limit,
// and the total matching count. REST maps `_start/_end/_sort/_order/<field>_like…` onto ListQuery.
import { sql } from 'kysely';
import type { SelectQueryBuilder } from 'kysely';
import type { DatabaseSchema } from './schema.ts';
import { toMs } from './codec.ts';

export type FilterOp = 'eq' | 'ne' | 'like' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'not_in';
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'like', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in'];

export interface ListFilter {
  /** The camelCase field name as the API exposes it, e.g. `taskId`. */
  field: string;
  op: FilterOp;
  /** A string is coerced to the field's type; `in`/`not_in` take an array or "a,b,c". */
  value: unknown;
}

export interface ListQuery {
  filters?: ListFilter[];
  sort?: { field: string; order: 'asc' | 'desc' };
  offset?: number;
  limit?: number;
}

export interface ListResult<T> {
  rows: T[];
  /** Rows matching the filters, ignoring offset and limit. */
  total: number;
}

export type FieldKind = 'number' | 'string' | 'boolean' | 'time';

export interface ListSpec {
  /** API field → SQL column (qualified when the base query joins) and how to read filter values. */
  fields: Record<string, { column: string; kind: FieldKind }>;
  defaultSort: { field: string; order: 'asc' | 'desc' };
  /** Appended to every sort so pages are stable when sort values tie. */
  idColumn: string;
}

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;

/** A filter, sort or page the caller asked for is not allowed; REST maps it to 400 BAD_REQUEST. */
export class ListQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListQueryError';
  }
}

/**
 * The field `name` of a list spec, own properties only: a query naming `__proto__`,
 * `constructor` or `toString` must read as an unknown field (400), not as Object.prototype's
 * member (which used to reach SQL building and answer 500).
 */
export function ownField<T>(fields: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

// The base query's selection type is irrelevant here: we only add WHERE/ORDER BY/LIMIT.
// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
type AnySelect = SelectQueryBuilder<DatabaseSchema, any, {}>;

/** A filter value in the field's comparable form (times as epoch ms); ListQueryError when it is not one. */
export function coerceFilterValue(field: string, kind: FieldKind, value: unknown): string | number | boolean {
  const bad = (expected: string): never => {
    throw new ListQueryError(`filter ${field}: ${JSON.stringify(value)} is not ${expected}`);
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
    case 'time':
      if (typeof value === 'number' || typeof value === 'string' || value instanceof Date) {
        try {
          return toMs(value, `filter ${field}`);
        } catch {
          return bad('a time (ISO-8601 or epoch milliseconds)');
        }
      }
      return bad('a time (ISO-8601 or epoch milliseconds)');
    case 'string':
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        return String(value);
      return bad('a string');
  }
}

/** `_in` values: an array, or a comma-separated string. */
export function listValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value === '' ? [] : value.split(',');
  return [value];
}

function applyFilter(qb: AnySelect, spec: ListSpec, f: ListFilter): AnySelect {
  const def = ownField(spec.fields, f.field);
  if (!def) {
    throw new ListQueryError(
      `cannot filter on "${f.field}"; allowed fields: ${Object.keys(spec.fields).join(', ')}`,
    );
  }
  const col = sql.ref(def.column);
  switch (f.op) {
    case 'eq':
      return qb.where(col, '=', coerceFilterValue(f.field, def.kind, f.value));
    case 'ne':
      return qb.where(col, '<>', coerceFilterValue(f.field, def.kind, f.value));
    case 'gt':
      return qb.where(col, '>', coerceFilterValue(f.field, def.kind, f.value));
    case 'gte':
      return qb.where(col, '>=', coerceFilterValue(f.field, def.kind, f.value));
    case 'lt':
      return qb.where(col, '<', coerceFilterValue(f.field, def.kind, f.value));
    case 'lte':
      return qb.where(col, '<=', coerceFilterValue(f.field, def.kind, f.value));
    case 'like': {
      if (def.kind !== 'string')
        throw new ListQueryError(`filter ${f.field}: "like" applies to text fields only`);
      // Case-insensitive "contains", with the user's % and _ taken literally.
      const escaped = String(coerceFilterValue(f.field, 'string', f.value)).replace(
        /[\\%_]/g,
        (c) => `\\${c}`,
      );
      return qb.where(sql<boolean>`lower(${col}) like lower(${`%${escaped}%`}) escape '\\'`);
    }
    case 'in':
    case 'not_in': {
      const values = listValues(f.value).map((v) => coerceFilterValue(f.field, def.kind, v));
      if (values.length === 0) return f.op === 'in' ? qb.where(sql<boolean>`1 = 0`) : qb;
      return qb.where(col, f.op === 'in' ? 'in' : 'not in', values);
    }
    default:
      throw new ListQueryError(
        `unknown filter operator "${String(f.op)}"; allowed: ${FILTER_OPS.join(', ')}`,
      );
  }
}

function checkPage(q: ListQuery): { offset: number; limit: number } {
  const offset = q.offset ?? 0;
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(offset) || offset < 0)
    throw new ListQueryError(`offset ${offset} must be an integer ≥ 0`);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
    throw new ListQueryError(`limit ${limit} must be an integer from 0 to ${MAX_LIMIT}`);
  }
  return { offset, limit };
}

/**
 * Applies q to base (FROM + joins + fixed conditions, no selection), then runs the page query
 * (`select` adds the columns) and, when the page does not tell it, the count. Rows come back raw;
 * the repository maps them.
 */
export async function runListQuery<R>(
  base: AnySelect,
  spec: ListSpec,
  q: ListQuery,
  select: (qb: AnySelect) => AnySelect,
): Promise<ListResult<R>> {
  const { offset, limit } = checkPage(q);
  let filtered = base;
  for (const f of q.filters ?? []) filtered = applyFilter(filtered, spec, f);

  const sort = q.sort ?? spec.defaultSort;
  const sortDef = ownField(spec.fields, sort.field);
  if (!sortDef) {
    throw new ListQueryError(
      `cannot sort by "${sort.field}"; allowed fields: ${Object.keys(spec.fields).join(', ')}`,
    );
  }
  if (sort.order !== 'asc' && sort.order !== 'desc') {
    throw new ListQueryError(`sort order "${String(sort.order)}" must be asc or desc`);
  }
  let page = select(filtered).orderBy(sql.ref(sortDef.column), sort.order);
  if (sortDef.column !== spec.idColumn) page = page.orderBy(sql.ref(spec.idColumn), sort.order);
  page = page.limit(limit).offset(offset);

  const rows = (await page.execute()) as R[];
  // A page that is not full and starts inside the result holds the whole rest of it, so the total
  // is known without a second statement (most lists of tasks, schedules and workers fit one page).
  if (rows.length < limit && (rows.length > 0 || offset === 0)) return { rows, total: offset + rows.length };
  const count = await filtered.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow();
  return { rows, total: Number((count as { total: number | string }).total) };
}
