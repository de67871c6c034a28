// The unified diff agrees with `diff -u` on the cases that matter for task versions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unifiedDiff } from './text-diff.ts';

test('one changed line and one appended line in separate hunks', () => {
  const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
  const b = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n';
  const d = unifiedDiff(a, b, ['old', 'new']);
  assert.equal(
    d.text,
    '--- old\n+++ new\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n',
  );
  assert.deepEqual([d.added, d.removed], [2, 1]);
});

test('identical texts give no diff; empty sides give zero-length ranges', () => {
  assert.equal(unifiedDiff('x\n', 'x\n', ['a', 'b']).text, '');
  assert.match(unifiedDiff('', 'one\n', ['a', 'b']).text, /@@ -0,0 \+1,1 @@\n\+one\n$/);
  assert.match(unifiedDiff('one\ntwo\n', '', ['a', 'b']).text, /@@ -1,2 \+0,0 @@\n-one\n-two\n$/);
});

test('a change in the last line without a final newline reads as a plain line change', () => {
  const d = unifiedDiff('x\ny', 'x\nz', ['a', 'b']);
  assert.equal(d.text, '--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n');
  assert.deepEqual([d.added, d.removed], [1, 1]);
});
