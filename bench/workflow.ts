// Workflow benchmark, per backend (SQLite temp file, fresh PostgreSQL database), with an in-process
// worker node (one executor thread per core) running no-op tasks:
// - a 40-step linear chain: total time and per-step time, and the per-step orchestration overhead
//   (per-step time minus the mean time the task itself ran);
// - 4-step linear and 4-step diamond runs end to end, p50/p99 over 50 runs each, one at a time;
// - for_each over 1,000 items (max_parallel 64): items per second;
// - 200 diamond runs started at once: runs per second;
// - a 40-step chain whose steps return 200 KB each (over what an advance loads with the run, so
//   each advance reads only the outputs it needs): total and per-step time.
// Prints one JSON object. Run: node bench/workflow.ts
import { performance } from 'node:perf_hooks';
import { startWorkers, type Ratchet } from '../src/app.ts';
import { saveWorkflow, startWorkflow } from '../src/services/workflows/index.ts';
import type { Dialect } from '../src/store/database.ts';
import { createTestApp, saveTask } from '../src/workers/test-helpers.ts';
import { percentile, report, round } from './lib.ts';

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'RESOLVED_MANUALLY']);

/**
 * Resolves when a run ends: after step jobs finish, the status of every run still awaited is read
 * in one statement, and at most one such read is in flight (events meanwhile ask for one more).
 * A read per finished job (1,000 for the for_each run) competed with the engine for the pool's
 * connections and on PostgreSQL was most of what the for_each figure measured.
 */
function runWatcher(app: Ratchet) {
  const waiting = new Map<number, (status: string) => void>();
  let reading = false;
  let again = false;
  const check = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        if (waiting.size === 0) break;
        const rows = await app.store.db
          .selectFrom('workflow_runs')
          .select(['id', 'status'])
          .where('id', 'in', [...waiting.keys()])
          .execute();
        for (const row of rows) {
          const resolve = waiting.get(Number(row.id));
          if (!resolve || !ENDED.has(row.status)) continue;
          waiting.delete(Number(row.id));
          resolve(row.status);
        }
      } while (again);
    } finally {
      reading = false;
    }
  };
  app.jobEvents.on((e) => {
    if (e.job.workflowStepId !== null) void check();
  });
  const last = { runId: 0 };
  const run = async (workflow: string, input: unknown = {}): Promise<number> => {
    const start = performance.now();
    const started = await startWorkflow(app, { workflow, input });
    last.runId = started.id;
    // A run may have ended before its start call returned: the read asked for here catches it.
    const status = ENDED.has(started.status)
      ? started.status
      : await new Promise<string>((resolve) => {
          waiting.set(started.id, resolve);
          void check();
        });
    if (status !== 'COMPLETED') throw new Error(`run ${started.id} of ${workflow} ended ${status}`);
    return performance.now() - start;
  };
  return { run, last };
}

const save = (app: Ratchet, text: string) => saveWorkflow(app, { file: 'workflow.yaml', text });

async function benchBackend(dialect: Dialect) {
  const t = await createTestApp(dialect, {
    workers: { worker_count: 0 },
    job_queue: { poll_interval_ms: 1000 },
  });
  try {
    const app = t.app;
    await saveTask(app, 'noop', 'function main(i) { return { ok: true }; }');
    await saveTask(app, 'large', "function main(i) { return { blob: 'x'.repeat(200 * 1024) }; }");
    const chain = Array.from(
      { length: 40 },
      (_, i) => `  - { name: s${i}, task: noop${i > 0 ? `, dependencies: [s${i - 1}]` : ''} }`,
    );
    await save(app, `name: chain40\nversion: 1.0.0\nsteps:\n${chain.join('\n')}\n`);
    await save(app, `name: linear4\nversion: 1.0.0\nsteps:\n${chain.slice(0, 4).join('\n')}\n`);
    const large = chain.map((line) => line.replace('task: noop', 'task: large'));
    await save(app, `name: large40\nversion: 1.0.0\nsteps:\n${large.join('\n')}\n`);
    await save(
      app,
      `name: diamond\nversion: 1.0.0\nsteps:\n  - { name: a, task: noop }\n  - { name: b, task: noop, dependencies: [a] }\n  - { name: c, task: noop, dependencies: [a] }\n  - { name: d, task: noop, dependencies: [b, c] }\n`,
    );
    await save(
      app,
      `name: fan\nversion: 1.0.0\nsteps:\n  - { name: each, task: noop, for_each: workflow.items, max_parallel: 64, input: { n: item } }\n`,
    );
    const node = await startWorkers(app, { log: () => {} });
    try {
      const { run, last } = runWatcher(app);
      for (let i = 0; i < 5; i++) await run('diamond');

      const chainMs = await run('chain40');
      // What the steps themselves took (claim to result, sandbox included): the rest is orchestration.
      const durations = await app.store.db
        .selectFrom('executions as e')
        .innerJoin('jobs as j', 'j.id', 'e.job_id')
        .innerJoin('workflow_steps as s', 's.id', 'j.workflow_step_id')
        .select('e.duration_ms')
        .where('s.run_id', '=', last.runId)
        .execute();
      const stepMs = durations.reduce((n, d) => n + Number(d.duration_ms), 0) / durations.length;
      const perStep = chainMs / 40;

      const linear: number[] = [];
      for (let i = 0; i < 50; i++) linear.push(await run('linear4'));
      const diamond: number[] = [];
      for (let i = 0; i < 50; i++) diamond.push(await run('diamond'));

      const items = Array.from({ length: 1000 }, (_, i) => i);
      const fanMs = await run('fan', { items });

      const start = performance.now();
      await Promise.all(Array.from({ length: 200 }, () => run('diamond')));
      const concurrentMs = performance.now() - start;

      const largeMs = await run('large40');

      return {
        chain40: {
          totalMs: round(chainMs, 1),
          perStepMs: round(perStep),
          jobMeanMs: round(stepMs),
          overheadPerStepMs: round(perStep - stepMs),
        },
        linear4: { p50Ms: percentile(linear, 50), p99Ms: percentile(linear, 99) },
        diamond4: { p50Ms: percentile(diamond, 50), p99Ms: percentile(diamond, 99) },
        forEach1000: { totalMs: round(fanMs, 1), itemsPerSecond: round(1000 / (fanMs / 1000), 0) },
        concurrentDiamonds200: {
          totalMs: round(concurrentMs, 1),
          runsPerSecond: round(200 / (concurrentMs / 1000), 0),
        },
        chain40Outputs200KB: { totalMs: round(largeMs, 1), perStepMs: round(largeMs / 40) },
      };
    } finally {
      await node.stop(1000);
    }
  } finally {
    await t.close();
  }
}

report('workflow', { sqlite: await benchBackend('sqlite'), postgres: await benchBackend('postgres') });
