// The list contract of COMPAT.md §7 mapped onto the store's ListQuery: `_start`/`_end` (end
// exclusive) or `page`/`limit` (page 1-based), `_sort`/`_order` (asc/desc, any case), `<field>`
// (equals) and `<field>_like|_ne|_gt|_gte|_lt|_lte|_in|_not_in` (in: comma-separated or repeated).
// Unknown fields are refused by the store, which names the allowed ones (400 BAD_REQUEST). The
// total goes into X-Total-Count and Content-Range, the page into `meta`.
import type { FastifyReply } from 'fastify';
import type { FilterOp, ListFilter, ListQuery, ListResult } from '../../store/list-query.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, ownField } from '../../store/list-query.ts';
import { ApiError } from '../../server/errors.ts';

const SUFFIXES: readonly [string, FilterOp][] = [
  ['_not_in', 'not_in'],
  ['_like', 'like'],
  ['_gte', 'gte'],
  ['_lte', 'lte'],
  ['_ne', 'ne'],
  ['_gt', 'gt'],
  ['_lt', 'lt'],
  ['_in', 'in'],
];

const RESERVED = new Set(['_start', '_end', '_sort', '_order', 'page', 'limit']);

export interface PageInfo {
  start: number;
  limit: number;
  page?: number;
}

export interface ListParams {
  query: ListQuery;
  page: PageInfo;
}

export interface ListParamOptions {
  /** Rewrites filter values of a field before they reach the store (priority names → numbers). */
  values?: Record<string, (value: string) => unknown>;
}

function bad(message: string): never {
  throw new ApiError(400, 'BAD_REQUEST', message);
}

function integer(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || n < min)
    bad(`${name} must be an integer ≥ ${min}, not ${JSON.stringify(value)}`);
  return n;
}

function texts(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => String(v));
}

function page(q: Record<string, unknown>): PageInfo {
  const start = integer('_start', q._start, 0);
  const end = integer('_end', q._end, 0);
  const pageNo = integer('page', q.page, 1);
  const limit = integer('limit', q.limit, 0);
  if ((start !== undefined || end !== undefined) && (pageNo !== undefined || limit !== undefined)) {
    bad('use either _start/_end or page/limit, not both');
  }
  if (start !== undefined || end !== undefined) {
    const s = start ?? 0;
    const e = end ?? s + DEFAULT_LIMIT;
    if (e < s) bad(`_end (${e}) must not be less than _start (${s})`);
    if (e - s > MAX_LIMIT) bad(`_end − _start is ${e - s}; at most ${MAX_LIMIT} rows per request`);
    return { start: s, limit: e - s };
  }
  const l = limit ?? DEFAULT_LIMIT;
  if (l > MAX_LIMIT) bad(`limit ${l} is above the maximum of ${MAX_LIMIT}`);
  const p = pageNo ?? 1;
  return {
    start: (p - 1) * l,
    limit: l,
    ...(pageNo !== undefined || limit !== undefined ? { page: p } : {}),
  };
}

function sort(q: Record<string, unknown>): ListQuery['sort'] {
  if (q._sort === undefined) {
    if (q._order !== undefined) bad('_order needs _sort (the field to sort by)');
    return undefined;
  }
  const fields = texts(q._sort);
  if (fields.length !== 1 || fields[0]!.includes(',')) bad('_sort takes one field');
  const orders = q._order === undefined ? ['asc'] : texts(q._order);
  const order = orders.length === 1 ? orders[0]!.toLowerCase() : '';
  if (order !== 'asc' && order !== 'desc') bad(`_order must be asc or desc, not ${JSON.stringify(q._order)}`);
  return { field: fields[0]!, order };
}

/** Splits `status_in` into field + operator; a plain name is an equality filter. */
function fieldOp(key: string): { field: string; op: FilterOp } {
  for (const [suffix, op] of SUFFIXES) {
    if (key.length > suffix.length && key.endsWith(suffix))
      return { field: key.slice(0, -suffix.length), op };
  }
  return { field: key, op: 'eq' };
}

export function parseListParams(query: unknown, opts: ListParamOptions = {}): ListParams {
  const q = (query ?? {}) as Record<string, unknown>;
  const info = page(q);
  const filters: ListFilter[] = [];
  for (const [key, raw] of Object.entries(q)) {
    if (RESERVED.has(key) || raw === undefined) continue;
    const { field, op } = fieldOp(key);
    const map = (opts.values && ownField(opts.values, field)) ?? ((v: string) => v);
    const list = texts(raw);
    if (op === 'in' || op === 'not_in') {
      const values = list.flatMap((v) => (v === '' ? [] : v.split(','))).map(map);
      filters.push({ field, op, value: values });
    } else if (list.length > 1) {
      // `status=A&status=B` reads as "one of"; repeating any other operator is ambiguous.
      if (op !== 'eq') bad(`${key} is given ${list.length} times; give it once`);
      filters.push({ field, op: 'in', value: list.map(map) });
    } else {
      filters.push({ field, op, value: map(list[0]!) });
    }
  }
  return { query: { filters, sort: sort(q), offset: info.start, limit: info.limit }, page: info };
}

/** Sets X-Total-Count and Content-Range and returns the `{ data, meta }` body. */
export function listBody<T, R>(
  reply: FastifyReply,
  resource: string,
  params: ListParams,
  result: ListResult<T>,
  view: (row: T) => R,
): { data: R[]; meta: { total: number; start: number; end: number; limit: number; page?: number } } {
  const { start, limit } = params.page;
  const n = result.rows.length;
  reply.header('X-Total-Count', String(result.total));
  reply.header(
    'Content-Range',
    n > 0 ? `${resource} ${start}-${start + n - 1}/${result.total}` : `${resource} */${result.total}`,
  );
  const meta = {
    total: result.total,
    start,
    end: start + n,
    limit,
    ...(params.page.page !== undefined ? { page: params.page.page } : {}),
  };
  return { data: result.rows.map(view), meta };
}

/** Upper-cases enum filter values, so `status=completed` finds COMPLETED. */
export const upper = (v: string): string => v.toUpperCase();
