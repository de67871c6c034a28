// How many statements PostgreSQL receives per workflow step, load-independent where timings are
// not: a 20-step linear chain of no-op tasks runs on an in-process worker node while every query
// the pg driver sends is counted (the test's own polling excluded). Prints one JSON object with
// the statements per step and the ten most frequent statements. Run: node bench/workflow-queries.ts
import pg from 'pg';
import { startWorkers } from '../src/app.ts';
import { saveWorkflow, startWorkflow } from '../src/services/workflows/index.ts';
import { createTestApp, saveTask } from '../src/workers/test-helpers.ts';
import { report, round } from './lib.ts';

const STEPS = 20;
const POLL = 'select "status" from "workflow_runs"';

const counts = new Map<string, number>();
let counting = false;
type Query = (...args: unknown[]) => unknown;
const query = pg.Client.prototype.query as unknown as Query;
(pg.Client.prototype as unknown as { query: Query }).query = function (this: unknown, ...args: unknown[]) {
  if (counting) {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 80);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return query.apply(this, args);
};

const h = await createTestApp('postgres');
try {
  const app = h.app;
  await saveTask(app, 'noop', 'function main() { return {}; }');
  const steps = Array.from(
    { length: STEPS },
    (_, i) => `  - { name: s${i}, task: noop${i ? `, dependencies: [s${i - 1}]` : ''} }`,
  );
  await saveWorkflow(app, {
    file: 'w.yaml',
    text: `name: chain\nversion: 1.0.0\nsteps:\n${steps.join('\n')}\n`,
  });
  const workers = await startWorkers(app, { log: () => {} });
  try {
    await new Promise((r) => setTimeout(r, 300));
    counting = true;
    const run = await startWorkflow(app, { workflow: 'chain' });
    for (;;) {
      const row = await app.store.db
        .selectFrom('workflow_runs')
        .select('status')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      if (row.status !== 'RUNNING' && row.status !== 'PENDING') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    counting = false;
  } finally {
    await workers.stop(1000);
  }
  const own = [...counts.entries()].filter(([k]) => !k.startsWith(POLL));
  const total = own.reduce((n, [, c]) => n + c, 0);
  report('workflow-queries', {
    backend: 'postgres',
    steps: STEPS,
    statementsPerStep: round(total / STEPS, 1),
    top: Object.fromEntries(own.sort((a, b) => b[1] - a[1]).slice(0, 10)),
  });
} finally {
  await h.close();
}
