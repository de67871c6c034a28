// One contestant-run, in its own process: `node bench/peers/child.ts NAME`, started by run.ts with
// BENCH_PEERS_PREFIX (the name prefix of every store it may create) and BENCH_PEERS_DIR (the
// folder for SQLite files). Each scenario gets a fresh store, dropped when it ends; a scenario
// that fails is reported with its error and the next one still runs. The result goes to the
// parent over IPC (or to stdout when run by hand); progress lines go to stderr.
import { performance } from 'node:perf_hooks';
import { CONTESTANTS } from './contestants.ts';
import { freshSlot } from './resources.ts';
import { bulkEnqueue, latencyAndChain, throughput, Tracker, type Contestant } from './scenarios.ts';

const name = process.argv[2] ?? '';
const entry = CONTESTANTS[name];
if (entry === undefined)
  throw new Error(`unknown contestant "${name}"; one of ${Object.keys(CONTESTANTS).join(', ')}`);
const prefix = process.env.BENCH_PEERS_PREFIX ?? '';
const sqliteDir = process.env.BENCH_PEERS_DIR ?? '';
if (prefix === '' || sqliteDir === '')
  throw new Error('BENCH_PEERS_PREFIX and BENCH_PEERS_DIR must be set (run.ts sets them)');

const say = (line: string): void => void process.stderr.write(`[${name}] ${line}\n`);
const open = await entry.load();
let settings: Record<string, unknown> | undefined;
let slots = 0;

/** Runs fn on a contestant opened on a fresh store; any failure becomes `{ error }`. */
async function inFreshStore<T extends object>(
  label: string,
  fn: (c: Contestant, t: Tracker) => Promise<T | { skipped: string }>,
): Promise<T | { skipped: string } | { error: string }> {
  try {
    const slot = await freshSlot(entry!.store, prefix, sqliteDir, slots++);
    try {
      const tracker = new Tracker();
      const c = await open(slot.url, slot.redisPrefix, tracker);
      settings ??= c.settings;
      try {
        const result = await fn(c, tracker);
        say(`${label}: ${JSON.stringify(result)}`);
        return result;
      } finally {
        await c.close();
      }
    } finally {
      await slot.dispose();
    }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    say(`${label} failed: ${error}`);
    return { error };
  }
}

const start = performance.now();
const tp: Record<string, unknown> = {};
for (const concurrency of [1, 8]) {
  tp[`c${concurrency}`] = await inFreshStore(`throughput at concurrency ${concurrency}`, (c, t) =>
    c.throughputSkipped === undefined
      ? throughput(c, t, concurrency)
      : Promise.resolve({ skipped: c.throughputSkipped }),
  );
}
const latency = await inFreshStore('latency and chain', latencyAndChain);
const bulk = await inFreshStore('bulk enqueue', bulkEnqueue);
const result = {
  contestant: name,
  settings,
  throughput: tp,
  ...('error' in latency || 'skipped' in latency ? { enqueueToStartMs: latency, chain40: latency } : latency),
  bulkEnqueue5000: bulk,
  wallSeconds: Math.round((performance.now() - start) / 100) / 10,
};
if (process.send) process.send(result, () => process.exit(0));
else {
  console.log(JSON.stringify(result));
  process.exit(0);
}
