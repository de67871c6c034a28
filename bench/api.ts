// HTTP API benchmark: starts the built `ratchet serve` as a child process on loopback (rate limits
// off, SQLite in a temp folder), measures its idle RSS (target ≤ 100 MB) and drives a load
// generator against it: req/s, p50 and p99 latency at 1 and 32 concurrent connections.
// The load generator is wrk when it is installed (a C client costs the 2-core machine far less
// CPU than a JavaScript one, so the server gets the cores), else measureLoad: a worker thread
// with an undici Pool, so the client never shares an event loop with the benchmark's
// bookkeeping; other benches reuse it. Every response must be 2xx: a 429 (rate limit left on) or
// any other refusal would make the figures meaningless, so the bench fails on the first one.
// Run: npx node bench/api.ts   (build first: npx tsc -p tsconfig.build.json)
// RATCHET_BENCH_LOADGEN=undici forces the built-in generator.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter } from 'node:path';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { percentile, report, round } from './lib.ts';

export interface LoadOptions {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
  warmupMs?: number;
}

export interface LoadResult {
  connections: number;
  requests: number;
  /** Responses with a status outside 2xx (counted, and included in the latencies). */
  non2xx: number;
  errors: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

interface WorkerReport {
  latencies: number[];
  non2xx: number;
  errors: number;
  elapsedMs: number;
}

/** Worker side: `connections` loops, each sending its next request when the last one finished. */
async function runLoad(o: LoadOptions): Promise<WorkerReport> {
  const u = new URL(o.url);
  const pool = new Pool(u.origin, { connections: o.connections, pipelining: 1 });
  const path = u.pathname + u.search;
  const one = async (): Promise<number> => {
    const res = await pool.request({
      path,
      method: o.method ?? 'GET',
      body: o.body,
      headers: o.headers,
    });
    await res.body.dump();
    return res.statusCode;
  };
  const loop = async (until: number, record: boolean, acc: WorkerReport): Promise<void> => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        const status = await one();
        if (record) {
          acc.latencies.push(performance.now() - t0);
          if (status < 200 || status > 299) acc.non2xx++;
        }
      } catch {
        if (record) acc.errors++;
      }
    }
  };
  const scratch: WorkerReport = { latencies: [], non2xx: 0, errors: 0, elapsedMs: 0 };
  const warmEnd = performance.now() + (o.warmupMs ?? 500);
  await Promise.all(Array.from({ length: o.connections }, () => loop(warmEnd, false, scratch)));
  const acc: WorkerReport = { latencies: [], non2xx: 0, errors: 0, elapsedMs: 0 };
  const start = performance.now();
  await Promise.all(Array.from({ length: o.connections }, () => loop(start + o.durationMs, true, acc)));
  acc.elapsedMs = performance.now() - start;
  await pool.close();
  return acc;
}

/** Drives `url` with N concurrent keep-alive connections from a worker thread. */
export function measureLoad(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: o });
    worker.once('message', (r: WorkerReport) => {
      resolve({
        connections: o.connections,
        requests: r.latencies.length,
        non2xx: r.non2xx,
        errors: r.errors,
        reqPerSec: round(r.latencies.length / (r.elapsedMs / 1000), 0),
        p50Ms: percentile(r.latencies, 50),
        p99Ms: percentile(r.latencies, 99),
      });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

if (!isMainThread && parentPort) {
  parentPort.postMessage(await runLoad(workerData as LoadOptions));
}

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../sample/tasks', import.meta.url));
const ADDITION = join(SAMPLES, 'addition');

interface Served {
  child: ChildProcess;
  url: string;
  stop(): Promise<number | null>;
}

export interface ServeForBenchOptions {
  /** Node flags before the CLI script (e.g. `--import` of a probe). */
  nodeArgs?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** `ratchet serve --port 0` in `dir`; resolves when /ready is 200. */
export async function startServeForBench(
  dir: string,
  configYaml: string,
  opts: ServeForBenchOptions = {},
): Promise<Served> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with npx tsc -p tsconfig.build.json`);
  writeFileSync(join(dir, 'ratchet.yaml'), configYaml);
  const args = [...(opts.nodeArgs ?? []), CLI, 'serve', '--config', 'ratchet.yaml', '--port', '0'];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The environment wins over the file: whatever the YAML says, a bench never meets a rate limit.
    env: { ...process.env, ...opts.env, RATCHET_SERVER__RATE_LIMIT__ENABLED: 'false' },
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    // serve tells its URL on stderr: `ratchet serving on http://127.0.0.1:PORT (…)`.
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ratchet serving on (http:\/\/[^\s"]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`ratchet serve exited ${code}:\n${out}`)));
  });
  for (let i = 0; ; i++) {
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    if (res?.status === 200) break;
    if (i > 400) throw new Error(`${url}/ready never became 200:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

/** Resident set size of a process (Linux /proc; undefined elsewhere), in MB. */
function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024, 1) : undefined;
  } catch {
    return undefined;
  }
}

async function idleRss(dir: string, embedded: boolean): Promise<number | undefined> {
  const s = await startServeForBench(
    dir,
    `server:\n  rate_limit:\n    enabled: false\n  workers:\n    embedded: ${embedded}\nlogging:\n  level: warn\n`,
  );
  try {
    // Settled as in bench/idle-memory.ts (which also breaks the figure down): start-up garbage
    // collected, the idle trim done, no executor thread started.
    await new Promise((r) => setTimeout(r, 10_000));
    return rssMb(s.child.pid!);
  } finally {
    await s.stop();
  }
}

/** wrk's path when it is installed (and not disabled by RATCHET_BENCH_LOADGEN=undici). */
function findWrk(): string | undefined {
  if (process.env.RATCHET_BENCH_LOADGEN === 'undici') return undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, 'wrk');
    if (dir !== '' && existsSync(file)) return file;
  }
  return undefined;
}

/** `1.23ms`, `850.00us`, `1.20s` → milliseconds. */
function wrkMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`cannot read wrk latency "${text}"`);
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return round(Number(m[1]) * factor);
}

/** Parses `wrk --latency` output into a LoadResult. */
export function parseWrk(out: string, connections: number): LoadResult {
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  const requests = num(/(\d+) requests in /);
  const reqPerSec = num(/Requests\/sec:\s+([\d.]+)/);
  const p50 = /^\s*50%\s+(\S+)/m.exec(out)?.[1];
  const p99 = /^\s*99%\s+(\S+)/m.exec(out)?.[1];
  if (!Number.isFinite(requests) || !Number.isFinite(reqPerSec) || !p50 || !p99)
    throw new Error(`unexpected wrk output:\n${out}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    connections,
    requests,
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
    errors: socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
    reqPerSec: round(reqPerSec, 0),
    p50Ms: wrkMs(p50),
    p99Ms: wrkMs(p99),
  };
}

/** The same measurement as measureLoad, made by wrk (one warm-up run of warmupMs first). */
function measureWithWrk(wrk: string, dir: string, o: LoadOptions): LoadResult {
  const args = ['--latency', '-c', String(o.connections), '-t', String(Math.min(2, o.connections))];
  if (o.method && o.method !== 'GET') {
    const script = join(dir, 'wrk-request.lua');
    const headers = Object.entries(o.headers ?? {})
      .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}\n`)
      .join('');
    writeFileSync(
      script,
      `wrk.method = ${JSON.stringify(o.method)}\nwrk.body = ${JSON.stringify(o.body ?? '')}\n${headers}`,
    );
    args.push('-s', script);
  }
  const run = (ms: number): string =>
    execFileSync(wrk, [...args, '-d', `${Math.max(1, Math.round(ms / 1000))}s`, o.url], {
      encoding: 'utf8',
    });
  run(o.warmupMs ?? 1000);
  return parseWrk(run(o.durationMs), o.connections);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-api-'));
  const wrk = findWrk();
  const measure = (o: LoadOptions): Promise<LoadResult> =>
    wrk ? Promise.resolve(measureWithWrk(wrk, dir, { warmupMs: 1000, ...o })) : measureLoad(o);
  try {
    // ./tasks holds the sample tasks, as in a fresh project.
    cpSync(SAMPLES, join(dir, 'tasks'), { recursive: true });
    const rssNoWorkers = await idleRss(dir, false);
    const rssEmbedded = await idleRss(dir, true);
    cpSync(ADDITION, join(dir, 'tasks', 'addition'), { recursive: true });
    const s = await startServeForBench(
      dir,
      'server:\n  rate_limit:\n    enabled: false\n  workers:\n    embedded: false\nlogging:\n  level: warn\n',
    );
    const load: Record<string, LoadResult> = {};
    try {
      const probe = await fetch(`${s.url}/api/v1/tasks?_start=0&_end=1`);
      if (probe.headers.has('ratelimit-limit'))
        throw new Error(
          'the server under test rate-limits requests; the bench needs server.rate_limit.enabled false',
        );
      for (const connections of [1, 32])
        load[`GET /health c${connections}`] = await measure({
          url: `${s.url}/health`,
          connections,
          durationMs: 3000,
        });
      // REST figures (targets: list ≥ 5,000 req/s, synchronous execute ≥ 1,500 req/s). The
      // addition sample is synced from ./tasks at start-up; executes run on executor threads.
      for (const connections of [1, 32])
        load[`GET /api/v1/tasks?_start=0&_end=25 c${connections}`] = await measure({
          url: `${s.url}/api/v1/tasks?_start=0&_end=25`,
          connections,
          durationMs: 5000,
        });
      for (const connections of [1, 32])
        load[`POST /api/v1/tasks/addition/execute c${connections}`] = await measure({
          url: `${s.url}/api/v1/tasks/addition/execute`,
          method: 'POST',
          body: JSON.stringify({ input: { num1: 2, num2: 3 } }),
          headers: { 'content-type': 'application/json' },
          connections,
          durationMs: 5000,
        });
    } finally {
      await s.stop();
    }
    report('api', {
      loadGenerator: wrk ? 'wrk' : 'undici',
      idleRssMb: { embeddedWorkers: rssEmbedded, noWorkers: rssNoWorkers, targetMb: 100 },
      load,
      targets: { listReqPerSec: 5000, executeReqPerSec: 1500 },
    });
    const refused = Object.entries(load).filter(([, r]) => r.non2xx > 0 || r.errors > 0);
    if (refused.length > 0) {
      const what = refused.map(([k, r]) => `${k}: ${r.non2xx} non-2xx, ${r.errors} errors`).join('; ');
      throw new Error(`responses outside 2xx make these figures meaningless: ${what}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread && import.meta.main) await main();
