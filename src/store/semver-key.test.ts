import assert from 'node:assert/strict';
import { test } from 'node:test';
import semver from 'semver';
import { versionParts } from './semver-key.ts';

/** Compares two versions the way the SQL ORDER BY does: numbers, then prerelease_key bytewise. */
function sqlCompare(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (const k of ['major', 'minor', 'patch'] as const) if (pa[k] !== pb[k]) return pa[k] < pb[k] ? -1 : 1;
  return pa.prereleaseKey === pb.prereleaseKey ? 0 : pa.prereleaseKey < pb.prereleaseKey ? -1 : 1;
}

void test('the sort columns order every pair of versions as semver does', () => {
  const ids = [
    '0',
    '1',
    '2',
    '9',
    '10',
    '11',
    '99',
    '100',
    'a',
    'alpha',
    'alpha-x',
    'b',
    'beta',
    'Z',
    'rc',
    'x-1',
  ];
  const versions = ['1.0.0', '1.0.1', '1.1.0', '2.0.0', '10.0.0'];
  for (const a of ids) {
    versions.push(`1.0.0-${a}`);
    for (const b of ids) versions.push(`1.0.0-${a}.${b}`);
  }
  for (const a of versions) {
    for (const b of versions) {
      assert.equal(sqlCompare(a, b), semver.compare(a, b), `${a} vs ${b}`);
    }
  }
});

void test('version parts: normalisation, build metadata, and clear errors', () => {
  assert.deepEqual(versionParts('v1.2.3-rc.1+build.5'), {
    version: '1.2.3-rc.1+build.5',
    major: 1,
    minor: 2,
    patch: 3,
    prerelease: 'rc.1',
    prereleaseKey: '1rc!0011',
  });
  assert.equal(versionParts('1.2.3').prereleaseKey, '2');
  assert.throws(() => versionParts('1.2'), /version "1\.2" is not a semantic version/);
  assert.throws(() => versionParts('3000000000.0.0'), /major 3000000000 exceeds/);
});
