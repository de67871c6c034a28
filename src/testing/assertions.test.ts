import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAssertion, parsePath, resolvePath } from './assertions.ts';
import type { Assertion } from './test-case.ts';

const out = {
  user: { name: 'Ada Lovelace', tags: ['math', 'poetry'], 'odd key': 7 },
  items: [{ id: 1 }, { id: 2 }],
  count: 2,
  empty: null,
};
const check = (path: string, operator: Assertion['operator'], expected?: unknown): string | null =>
  checkAssertion(out, { path, operator, ...(expected !== undefined ? { expected } : {}) });

test('path forms: $, $.a.b[0], a.b[0], .length, quoted keys', () => {
  assert.deepEqual(parsePath('$'), []);
  assert.deepEqual(parsePath('$.items[0].id'), ['items', 0, 'id']);
  assert.deepEqual(parsePath('items[1].id'), ['items', 1, 'id']);
  assert.deepEqual(parsePath("user['odd key']"), ['user', 'odd key']);
  assert.deepEqual(parsePath('$["a.b"][2]'), ['a.b', 2]);
  assert.deepEqual(resolvePath(out, parsePath('items.length')), { found: true, value: 2 });
  assert.deepEqual(resolvePath(out, parsePath('user.name.length')), { found: true, value: 12 });
  assert.deepEqual(resolvePath(out, parsePath('items[5]')), { found: false });
  assert.deepEqual(resolvePath(out, parsePath('empty.x')), { found: false });
});

test('bad paths are reported with the position', () => {
  assert.throws(() => parsePath(''), /the path is empty/);
  assert.throws(() => parsePath('a..b'), /at character 3: expected a key name after "."/);
  assert.throws(() => parsePath('a[x]'), /at character 2: expected \[number\]/);
  assert.throws(() => parsePath('$a'), /at character 2: unexpected "a"/);
  assert.match(check('a[', 'exists') ?? '', /^assertion a\[ exists: bad path/);
});

test('equals and not_equals use deep equality', () => {
  assert.equal(check('items[0]', 'equals', { id: 1 }), null);
  assert.equal(check('$.count', 'equals', 3), 'assertion failed: $.count equals 3: actual 2');
  assert.equal(check('count', 'not_equals', 3), null);
  assert.match(check('items', 'not_equals', [{ id: 1 }, { id: 2 }]) ?? '', /not_equals .*is equal/);
});

test('contains: substring, array element, partial object', () => {
  assert.equal(check('user.name', 'contains', 'Love'), null);
  assert.equal(check('user.tags', 'contains', 'poetry'), null);
  assert.equal(check('items', 'contains', { id: 2 }), null);
  assert.equal(check('user', 'contains', { name: 'Ada Lovelace' }), null);
  assert.match(
    check('user.tags', 'contains', 'art') ?? '',
    /user\.tags contains "art": actual \["math","poetry"\] does not contain it/,
  );
  assert.notEqual(check('count', 'contains', 2), null);
});

test('exists, with expected false for absence', () => {
  assert.equal(check('user.name', 'exists'), null);
  assert.equal(check('empty', 'exists'), null, 'null is present');
  assert.equal(check('user.age', 'exists', false), null);
  assert.equal(check('user.age', 'exists'), 'assertion failed: user.age exists true: not found');
  assert.match(check('count', 'exists', false) ?? '', /present \(2\)/);
});

test('matches: plain patterns and /re/flags', () => {
  assert.equal(check('user.name', 'matches', '^Ada'), null);
  assert.equal(check('user.name', 'matches', '/^ada/i'), null);
  assert.match(check('user.name', 'matches', '^Bob') ?? '', /does not match/);
  assert.match(check('count', 'matches', '2') ?? '', /is not a string/);
});

test('gt, gte, lt, lte on numbers (and strings), never across types', () => {
  assert.equal(check('count', 'gt', 1), null);
  assert.equal(check('count', 'gte', 2), null);
  assert.equal(check('count', 'lt', 3), null);
  assert.equal(check('count', 'lte', 2), null);
  assert.equal(check('user.name', 'gt', 'Aa'), null);
  assert.equal(check('count', 'gt', 2), 'assertion failed: count gt 2: actual 2');
  assert.notEqual(check('count', 'lt', '3'), null);
});

test('length of arrays, strings and objects', () => {
  assert.equal(check('items', 'length', 2), null);
  assert.equal(check('user.name', 'length', 12), null);
  assert.equal(check('user', 'length', 3), null);
  assert.equal(check('items', 'length', 3), 'assertion failed: items length 3: actual length 2');
  assert.match(check('count', 'length', 1) ?? '', /has no length/);
});

test('a missing path fails every value operator with "path not found"', () => {
  assert.equal(
    check('nope.x', 'equals', 1),
    'assertion failed: nope.x equals 1: path not found in the output',
  );
});
