// The dashboard's pure client logic: the overview's chart series from the execution timeline
// (web/src/timeline.ts) and the workflow DAG layout (web/src/dag.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesOf } from '../web/src/timeline.ts';
import { BOX, layoutDag } from '../web/src/dag.ts';

void test('timeline series: per-second rate (the bucket in progress by its elapsed time) and success rate', () => {
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  const bucket = (i: number, completed: number, failed: number, cancelled = 0) => ({
    at: new Date(t0 + i * 60_000).toISOString(),
    completed,
    failed,
    cancelled,
    open: 1,
  });
  const s = seriesOf(
    {
      since: new Date(t0).toISOString(),
      until: new Date(t0 + 180_000).toISOString(),
      bucketSeconds: 60,
      buckets: [bucket(0, 54, 6), bucket(1, 0, 0), bucket(2, 10, 0, 10)],
      durationMs: { p50: 5, p99: 9 },
    },
    t0 + 120_000 + 10_000, // 10 s into the last bucket
  );
  assert.deepEqual(s.x, [t0 / 1000, t0 / 1000 + 60, t0 / 1000 + 120]);
  assert.deepEqual(s.perSecond, [1, 0, 2]);
  assert.deepEqual(s.successRate, [0.9, null, 1]);
});

void test('DAG layout: columns by longest dependency chain, rows in definition order, one edge per dependency', () => {
  const layout = layoutDag([
    { name: 'fetch', dependencies: [] },
    { name: 'config', dependencies: [] },
    { name: 'parse', dependencies: ['fetch'] },
    { name: 'report', dependencies: ['parse', 'fetch', 'config'] },
  ]);
  const where = Object.fromEntries(layout.nodes.map((n) => [n.name, [n.column, n.row]]));
  assert.deepEqual(where, { fetch: [0, 0], config: [0, 1], parse: [1, 0], report: [2, 0] });
  assert.deepEqual(
    layout.edges.map((e) => `${e.from}->${e.to}`),
    ['fetch->parse', 'parse->report', 'fetch->report', 'config->report'],
  );
  assert.equal(layout.width, BOX.pad * 2 + 3 * BOX.width + 2 * BOX.gapX);
  assert.equal(layout.height, BOX.pad * 2 + 2 * BOX.height + BOX.gapY);
  // A dependency cycle (never sent by the server) does not hang the layout.
  assert.equal(layoutDag([{ name: 'a', dependencies: ['a'] }]).nodes[0]!.column, 1);
});
