// List arguments (filter, sort, pagination) mapped onto the store's ListQuery, the same contract
// REST's list-params.ts maps `?status=…&_sort=…&_start=…` onto: the same fields, operators,
// default page (25) and maximum (1000), so a GraphQL list and a REST list of the same data agree.
// Unknown fields are refused by the store, which names the allowed ones (BAD_USER_INPUT).
import type { FilterOp, ListFilter, ListQuery, ListResult } from '../../store/list-query.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, ownField } from '../../store/list-query.ts';
import { badInput } from './errors.ts';

export interface FilterArg {
  field: string;
  op?: string | null;
  value?: unknown;
}

export interface ListArgs {
  filter?: FilterArg[] | null;
  sort?: { field: string; order?: string | null } | null;
  pagination?: {
    offset?: number | null;
    limit?: number | null;
    page?: number | null;
    after?: string | null;
  } | null;
}

export interface PageInfo {
  offset: number;
  limit: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export type ValueMap = Record<string, (value: string) => unknown>;

const CURSOR_PREFIX = 'o:';

export function encodeCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const n = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isInteger(n) || n < 0)
    throw badInput(`pagination.after: "${cursor}" is not a cursor from pageInfo.startCursor/endCursor`);
  return n;
}

function page(p: ListArgs['pagination']): { offset: number; limit: number } {
  const { offset, limit, page: pageNo, after } = p ?? {};
  const given = [offset, pageNo, after].filter((v) => v !== undefined && v !== null).length;
  if (given > 1) throw badInput('pagination: give one of offset, page or after (each with limit)');
  const l = limit ?? DEFAULT_LIMIT;
  if (l < 0) throw badInput(`pagination.limit must be ≥ 0, not ${l}`);
  if (l > MAX_LIMIT) throw badInput(`pagination.limit ${l} is above the maximum of ${MAX_LIMIT}`);
  if (offset !== undefined && offset !== null) {
    if (offset < 0) throw badInput(`pagination.offset must be ≥ 0, not ${offset}`);
    return { offset, limit: l };
  }
  if (pageNo !== undefined && pageNo !== null) {
    if (pageNo < 1) throw badInput(`pagination.page must be ≥ 1, not ${pageNo}`);
    return { offset: (pageNo - 1) * l, limit: l };
  }
  if (after !== undefined && after !== null) return { offset: decodeCursor(after) + 1, limit: l };
  return { offset: 0, limit: l };
}

function texts(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return list.map((v, i) => {
    if (v === null || typeof v === 'object')
      throw badInput(`${where}[${i}] must be a string, number or boolean`);
    return String(v);
  });
}

function filters(args: FilterArg[], values: ValueMap): ListFilter[] {
  return args.map((f, i) => {
    const where = `filter[${i}]`;
    const op = (f.op ?? 'EQ').toLowerCase() as FilterOp;
    const map = ownField(values, f.field) ?? ((v: string) => v);
    if (op === 'in' || op === 'not_in') {
      return {
        field: f.field,
        op,
        value: texts(f.value ?? [], `${where}.value`)
          .filter((v) => v !== '')
          .map(map),
      };
    }
    if (f.value === undefined || f.value === null || typeof f.value === 'object')
      throw badInput(`${where}.value must be a string, number or boolean for ${op.toUpperCase()}`);
    return { field: f.field, op, value: map(String(f.value)) };
  });
}

/** The store query for list arguments plus the face's own shortcut filters (`status:`, …). */
export function listQuery(
  args: ListArgs,
  extra: ListFilter[] = [],
  values: ValueMap = {},
): { query: ListQuery; offset: number; limit: number } {
  const { offset, limit } = page(args.pagination);
  const sort = args.sort
    ? { field: args.sort.field, order: (args.sort.order ?? 'ASC').toLowerCase() as 'asc' | 'desc' }
    : undefined;
  const query: ListQuery = { filters: [...extra, ...filters(args.filter ?? [], values)], offset, limit };
  if (sort) query.sort = sort;
  return { query, offset, limit };
}

/** `{ items, total, pageInfo }` for a page of rows. */
export function listAnswer<T, R>(
  result: ListResult<T>,
  offset: number,
  limit: number,
  view: (row: T) => R,
): { items: R[]; total: number; pageInfo: PageInfo } {
  const n = result.rows.length;
  return {
    items: result.rows.map(view),
    total: result.total,
    pageInfo: {
      offset,
      limit,
      hasNextPage: offset + n < result.total,
      hasPreviousPage: offset > 0,
      startCursor: n > 0 ? encodeCursor(offset) : null,
      endCursor: n > 0 ? encodeCursor(offset + n - 1) : null,
    },
  };
}
