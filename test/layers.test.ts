// The architecture's import rules, checked on the source (docs/architecture.md, "Layout"): no two
// folders of src/ import each other, domain folders never import services or adapters, and
// services never import adapters or the composition root. Tests and test helpers are exempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const ADAPTERS = new Set(['cli', 'api/rest', 'api/graphql', 'api/mcp', 'server', 'app', 'lifecycle']);
const DOMAIN = new Set([
  'quality',
  'testing',
  'workers',
  'registry',
  'delivery',
  'queue',
  'workflows',
  'runtime',
  'tasks',
  'http',
  'redaction',
  'scheduler',
  'store',
  'config',
]);

/** The layer a file belongs to: its top folder (api/* one level deeper), or a root file's name. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, '');
  return parts[0] === 'api' ? `api/${parts[1]}` : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-helpers' ? [] : sourceFiles(path);
    const testOnly = /\.test\.ts$|^test-|fixture/.test(e.name);
    return e.name.endsWith('.ts') && !testOnly ? [path] : [];
  });
}

/** folder → folder it imports → the files that do. */
function importGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = normalize(join(dirname(file), spec!));
      if (!target.startsWith(SRC)) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), relative(SRC, file)]);
    }
  }
  return graph;
}

void test('no two folders of src/ import each other', () => {
  const graph = importGraph();
  const cycles: string[] = [];
  for (const [a, edges] of graph) {
    for (const [b, files] of edges) {
      const back = graph.get(b)?.get(a);
      if (back && a < b) cycles.push(`${a} ↔ ${b}: ${files[0]} / ${back[0]}`);
    }
  }
  assert.deepEqual(cycles, []);
});

void test('imports point downward: domain never reaches services or adapters, services never adapters', () => {
  const upward: string[] = [];
  for (const [a, edges] of importGraph()) {
    for (const [b, files] of edges) {
      const above = DOMAIN.has(a) ? b === 'services' || ADAPTERS.has(b) : a === 'services' && ADAPTERS.has(b);
      if (above) upward.push(`${a} → ${b}: ${files.join(', ')}`);
    }
  }
  assert.deepEqual(upward, []);
});

void test('the rule can fail: a file importing upward is reported', () => {
  // The scanner's own input: a known downward edge is present, so an empty result means something.
  assert.ok(importGraph().get('services')?.has('queue'), 'services → queue is seen');
});
