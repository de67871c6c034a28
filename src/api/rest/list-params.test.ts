// The list contract's parsing, without a server: pages, sorting, operators, repeated values, and
// the 400s for contradictory or malformed parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListParams } from './list-params.ts';
import { ApiError } from '../../server/errors.ts';

const bad = (q: Record<string, unknown>, re: RegExp) =>
  assert.throws(
    () => parseListParams(q),
    (e: unknown) =>
      e instanceof ApiError && e.status === 400 && e.code === 'BAD_REQUEST' && re.test(e.message),
  );

test('_start/_end is an exclusive window; page/limit is 1-based', () => {
  assert.deepEqual(parseListParams({ _start: '10', _end: '35' }).page, { start: 10, limit: 25 });
  assert.deepEqual(parseListParams({ page: 3, limit: 10 }).page, { start: 20, limit: 10, page: 3 });
  assert.deepEqual(parseListParams({}).page, { start: 0, limit: 25 });
  assert.deepEqual(parseListParams({ _start: 5 }).page, { start: 5, limit: 25 });
  const q = parseListParams({ page: 2, limit: 5 }).query;
  assert.equal(q.offset, 5);
  assert.equal(q.limit, 5);
});

test('_sort/_order: one field, order in any case', () => {
  assert.deepEqual(parseListParams({ _sort: 'name', _order: 'DESC' }).query.sort, {
    field: 'name',
    order: 'desc',
  });
  assert.deepEqual(parseListParams({ _sort: 'name' }).query.sort, { field: 'name', order: 'asc' });
  assert.equal(parseListParams({}).query.sort, undefined);
});

test('field filters with every operator suffix', () => {
  const { filters } = parseListParams({
    status: 'x',
    name_like: 'a',
    id_ne: '1',
    id_gt: '2',
    id_gte: '3',
    id_lt: '4',
    id_lte: '5',
    status_in: 'A,B',
    status_not_in: ['C', 'D,E'],
  }).query;
  assert.deepEqual(filters, [
    { field: 'status', op: 'eq', value: 'x' },
    { field: 'name', op: 'like', value: 'a' },
    { field: 'id', op: 'ne', value: '1' },
    { field: 'id', op: 'gt', value: '2' },
    { field: 'id', op: 'gte', value: '3' },
    { field: 'id', op: 'lt', value: '4' },
    { field: 'id', op: 'lte', value: '5' },
    { field: 'status', op: 'in', value: ['A', 'B'] },
    { field: 'status', op: 'not_in', value: ['C', 'D', 'E'] },
  ]);
});

test('a repeated equality filter means "one of"; value maps apply', () => {
  const { filters } = parseListParams(
    { status: ['a', 'b'] },
    { values: { status: (v) => v.toUpperCase() } },
  ).query;
  assert.deepEqual(filters, [{ field: 'status', op: 'in', value: ['A', 'B'] }]);
});

test('contradictory or malformed parameters are 400s that say why', () => {
  bad({ _start: 0, _end: 10, page: 1 }, /either _start\/_end or page\/limit/);
  bad({ _start: 10, _end: 5 }, /_end \(5\) must not be less than _start \(10\)/);
  bad({ _start: 0, _end: 5000 }, /at most 1000/);
  bad({ limit: 5000 }, /above the maximum/);
  bad({ page: 0 }, /page must be an integer ≥ 1/);
  bad({ _start: 'x' }, /_start must be an integer/);
  bad({ _order: 'asc' }, /_order needs _sort/);
  bad({ _sort: 'name', _order: 'up' }, /_order must be asc or desc/);
  bad({ _sort: 'a,b' }, /one field/);
  bad({ id_gt: ['1', '2'] }, /given 2 times/);
});
