// DeferredMetrics: events before creation are replayed; a long queue creates the metrics itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferredMetrics, MAX_PENDING } from './deferred-metrics.ts';

function counterSet() {
  return new DeferredMetrics(({ Counter, Registry }) => {
    const registry = new Registry();
    const hits = new Counter({ name: 'hits_total', help: 'h', labelNames: ['k'], registers: [registry] });
    return { registry, hits };
  });
}

test('events recorded before the metrics exist are all counted once they are created', async () => {
  const d = counterSet();
  d.record((m) => m.hits.inc({ k: 'a' }));
  d.record((m) => m.hits.inc({ k: 'a' }, 2));
  assert.equal(d.created, false);
  const m = await d.ready();
  d.record((x) => x.hits.inc({ k: 'b' }));
  const text = await m.registry.metrics();
  assert.match(text, /hits_total\{k="a"\} 3\n/);
  assert.match(text, /hits_total\{k="b"\} 1\n/);
  assert.equal(await d.ready(), m);
});

test(`${MAX_PENDING} queued events create the metrics without a scrape`, async () => {
  const d = counterSet();
  for (let i = 0; i < MAX_PENDING; i++) d.record((m) => m.hits.inc({ k: 'x' }));
  for (let i = 0; i < 50 && !d.created; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(d.created, true);
  const { registry } = await d.ready();
  assert.match(await registry.metrics(), new RegExp(`hits_total\\{k="x"\\} ${MAX_PENDING}\\n`));
});
