import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffValues, formatDiff, matchesValue } from './diff.ts';

test('changed values print as - expected / + actual with their path', () => {
  assert.deepEqual(formatDiff(diffValues({ sum: 15, product: 50 }, { sum: 16, product: 50 })), [
    '- $.sum: 15',
    '+ $.sum: 16',
  ]);
});

test('missing and extra keys, nested paths and odd keys', () => {
  const lines = formatDiff(diffValues({ a: { b: 1, 'c d': 2 } }, { a: { b: 1, e: 3 } }));
  assert.deepEqual(lines, [
    '- $.a["c d"]: 2',
    '+ $.a["c d"]: (missing)',
    '- $.a.e: (not expected)',
    '+ $.a.e: 3',
  ]);
});

test('array length and element differences', () => {
  const lines = formatDiff(diffValues({ items: [1, 2, 3] }, { items: [1, 5] }));
  assert.deepEqual(lines, [
    '  $.items: expected 3 items, got 2',
    '- $.items[1]: 2',
    '+ $.items[1]: 5',
    '- $.items[2]: 3',
    '+ $.items[2]: (missing)',
  ]);
});

test('types matter: "1" is not 1, null is not {}, [] is not {}', () => {
  assert.equal(matchesValue(1, '1'), false);
  assert.equal(matchesValue(null, {}), false);
  assert.equal(matchesValue([], {}), false);
  assert.deepEqual(formatDiff(diffValues({ a: null }, { a: {} })), ['- $.a: null', '+ $.a: {}']);
});

test('partial: extra keys are ignored at every depth, arrays still need equal length', () => {
  assert.equal(matchesValue({ a: { b: 1 } }, { a: { b: 1, c: 2 }, d: 3 }, 'partial'), true);
  assert.equal(matchesValue({ a: [{ b: 1 }] }, { a: [{ b: 1, c: 2 }] }, 'partial'), true);
  assert.equal(matchesValue({ a: [{ b: 1 }] }, { a: [{ b: 1 }, { b: 2 }] }, 'partial'), false);
  assert.equal(matchesValue({ a: { b: 1 } }, { a: { b: 2 } }, 'partial'), false);
  assert.equal(matchesValue({ a: 1 }, { a: 1, b: 2 }, 'exact'), false);
});

test('equal values give no lines; long values are shortened', () => {
  assert.deepEqual(diffValues({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }), []);
  const [line] = formatDiff(diffValues('x'.repeat(500), 'y'));
  assert.ok(line!.length < 230 && line!.endsWith('…'));
});
