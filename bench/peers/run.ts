// Ratchet beside graphile-worker, pg-boss and BullMQ (issue 22): every contestant through the same
// scenarios (throughput from a 5,000-job backlog at concurrency 1 and 8, enqueue→start latency,
// 40 sequential jobs, bulk enqueue of 5,000), each contestant-run in a fresh child process on fresh
// stores, interleaved round-robin over N runs. Prints one JSON object: every run's figures, the
// medians per contestant and scenario, and Ratchet's median over each peer's. Progress on stderr.
// Run from the project root: npm run bench:peers [-- --runs N] [-- --only name,name]
// (bench/README.md says what must be running and what each figure means.)
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { referenceLoopMs, report } from '../lib.ts';
import { buildIsCurrent } from '../../test/helpers/build-stamp.ts';
import { CONTESTANTS, RATCHET_NAMES } from './contestants.ts';
import { deleteRedisKeys, dropPgDatabases, PG_ADMIN_URL, REDIS_URL } from './resources.ts';
import { BACKLOG, BULK_JOBS, BULK_RUNS, CHAIN, LATENCY_JOBS, THROUGHPUT_CAP_SECONDS } from './scenarios.ts';
import { errorsIn, medians, ratios, type RunResult } from './summary.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
/** A contestant-run taking longer than this is killed and reported as failed. */
const CHILD_TIMEOUT_MS = 15 * 60_000;
const say = (line: string): void => void process.stderr.write(`[peers] ${line}\n`);

function usage(problem: string): never {
  process.stderr.write(
    `bench:peers: ${problem}\n` +
      `usage: npm run bench:peers -- [--runs N] [--only NAME,NAME]\n` +
      `contestants: ${Object.keys(CONTESTANTS).join(', ')}\n`,
  );
  process.exit(2);
}

function options(): { runs: number; names: string[] } {
  let values: { runs?: string; only?: string };
  try {
    ({ values } = parseArgs({
      options: { runs: { type: 'string' }, only: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  const runs = Number(values.runs ?? '2');
  if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a whole number ≥ 1, got "${values.runs}"`);
  const names =
    values.only === undefined ? Object.keys(CONTESTANTS) : values.only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(n in CONTESTANTS));
  if (unknown.length > 0 || names.length === 0)
    usage(`--only: unknown contestant(s) ${unknown.join(', ') || '(none given)'}`);
  if (names.some((n) => RATCHET_NAMES.includes(n)) && !buildIsCurrent())
    usage('Ratchet runs from dist/, which was not built from these sources: run `npm run build` first');
  return { runs, names: [...new Set(names)] };
}

let current: ChildProcess | undefined;
/** Each contestant's options and versions, from its first run that reported. */
const settingsOf: Record<string, unknown> = {};

/** Removes every store the run's prefix names, whatever state the child left them in. */
async function sweep(name: string, prefix: string, dir: string): Promise<void> {
  const store = CONTESTANTS[name]!.store;
  const jobs: Promise<unknown>[] = [rm(dir, { recursive: true, force: true })];
  if (store === 'postgres') jobs.push(dropPgDatabases(prefix));
  if (store === 'redis') jobs.push(deleteRedisKeys(`${prefix}_`));
  for (const r of await Promise.allSettled(jobs)) {
    if (r.status === 'rejected') say(`cleanup after ${name} failed: ${(r.reason as Error).message}`);
  }
}

async function contestantRun(name: string, run: number): Promise<RunResult> {
  const prefix = `bpeers_${randomBytes(5).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-bench-peers-'));
  try {
    return await new Promise<RunResult>((resolve) => {
      let result: RunResult | undefined;
      // The child's stdout joins our stderr: libraries that print must not reach the JSON on stdout.
      const child = fork(CHILD, [name], {
        stdio: ['ignore', 2, 2, 'ipc'],
        env: { ...process.env, BENCH_PEERS_PREFIX: prefix, BENCH_PEERS_DIR: dir },
      });
      current = child;
      const timer = setTimeout(() => {
        say(`${name} run ${run} took over ${CHILD_TIMEOUT_MS / 60_000} min; killing it`);
        child.kill('SIGKILL');
      }, CHILD_TIMEOUT_MS);
      child.on('message', (m) => (result = m as RunResult));
      child.on('error', (err) => say(`${name}: ${err.message}`));
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        current = undefined;
        if (result !== undefined) {
          const { settings, ...figures } = result;
          settingsOf[name] ??= settings;
          resolve({ ...figures, run });
        } else {
          const how = signal !== null ? `was killed (${signal})` : `exited with code ${code}`;
          resolve({
            contestant: name,
            run,
            error: `the contestant process ${how} before reporting; see stderr`,
          });
        }
      });
    });
  } finally {
    await sweep(name, prefix, dir);
  }
}

const { runs, names } = options();
const loadStart = loadavg().map((v) => Math.round(v * 100) / 100);
const referenceAtStart = referenceLoopMs();
const raw: Record<string, RunResult[]> = Object.fromEntries(names.map((n) => [n, []]));
const order: string[][] = [];
let stop = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping; the current run's stores are removed before exiting`);
    stop = true;
    current?.kill('SIGKILL'); // its exit handler settles the run, whose finally removes its stores
    setTimeout(() => process.exit(130), 30_000).unref();
  });
}
for (let run = 1; run <= runs && !stop; run++) {
  // Round-robin, starting one further each run, so no contestant always goes first.
  const rotated = names.map((_, i) => names[(i + run - 1) % names.length]!);
  order.push(rotated);
  for (const name of rotated) {
    if (stop) break;
    say(`run ${run}/${runs}: ${name}`);
    raw[name]!.push(await contestantRun(name, run));
  }
}
if (stop) process.exit(130);

const med = Object.fromEntries(names.map((n) => [n, medians(raw[n]!)]));
// One entry per distinct error of a run (a store that is down fails every scenario the same way).
const errors = names.flatMap((n) =>
  raw[n]!.flatMap((r) => {
    const byText = new Map<string, string[]>();
    for (const e of errorsIn(r)) byText.set(e.error, [...(byText.get(e.error) ?? []), e.scenario]);
    return [...byText].map(([error, scenarios]) => ({ contestant: n, run: r.run, scenarios, error }));
  }),
);
report('peers', {
  runs,
  order,
  loadAverage: { start: loadStart, end: loadavg().map((v) => Math.round(v * 100) / 100) },
  // The end's is the top-level referenceLoopMs (report()).
  referenceLoopMsAtStart: referenceAtStart,
  stores: { postgres: PG_ADMIN_URL.replace(/\/[^/]*$/, '/…'), redis: REDIS_URL },
  scenarios: {
    throughput: `${BACKLOG} queued no-op jobs run at concurrency 1 and 8, clock from starting the workers to the last finished (capped at ${THROUGHPUT_CAP_SECONDS} s)`,
    enqueueToStartMs: `${LATENCY_JOBS} no-op jobs one at a time on an idle queue (concurrency 1): enqueue call → job started`,
    chain40: `${CHAIN} fib(10) jobs in sequence, each queued when the previous finished: total seconds`,
    bulkEnqueue5000: `${BULK_JOBS} jobs queued in one call, ${BULK_RUNS} times: median milliseconds`,
    ratios:
      "Ratchet's median / the peer's: throughput above 1 = Ratchet faster; times below 1 = Ratchet faster",
  },
  settings: Object.fromEntries(names.map((n) => [n, settingsOf[n] ?? null])),
  raw,
  medians: med,
  ratios: ratios(med, RATCHET_NAMES),
  errors,
});
