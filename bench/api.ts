// HTTP API benchmark: starts the built `ratchet serve` as a child process on loopback (rate limits
// off, SQLite in a temp folder), measures its idle RSS (target ≤ 100 MB) and drives a load
// generator against it: req/s, p50 and p99 latency at 1 and 32 concurrent connections.
// The load generator (measureLoad) runs in a worker thread with an undici Pool, so the client
// never shares an event loop with the benchmark's bookkeeping; other benches reuse it.
// Run: npx node bench/api.ts   (build first: npx tsc -p tsconfig.build.json)
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
      method: (o.method ?? 'GET') as 'GET',
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
const ADDITION = fileURLToPath(new URL('../sample/tasks/addition', import.meta.url));

interface Served {
  child: ChildProcess;
  url: string;
  stop(): Promise<number | null>;
}

/** `ratchet serve --port 0` in `dir`; resolves when /ready is 200. */
export async function startServeForBench(dir: string, configYaml: string): Promise<Served> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with npx tsc -p tsconfig.build.json`);
  writeFileSync(join(dir, 'ratchet.yaml'), configYaml);
  const child = spawn(process.execPath, [CLI, 'serve', '--config', 'ratchet.yaml', '--port', '0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/\S+)$/m.exec(out);
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
    // Let start-up garbage be collected and the worker threads settle before reading RSS.
    await new Promise((r) => setTimeout(r, 3000));
    return rssMb(s.child.pid!);
  } finally {
    await s.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-api-'));
  try {
    const rssNoWorkers = await idleRss(dir, false);
    const rssEmbedded = await idleRss(dir, true);
    cpSync(ADDITION, join(dir, 'tasks', 'addition'), { recursive: true });
    const s = await startServeForBench(
      dir,
      'server:\n  rate_limit:\n    enabled: false\n  workers:\n    embedded: false\nlogging:\n  level: warn\n',
    );
    const load: Record<string, LoadResult> = {};
    try {
      for (const connections of [1, 32])
        load[`GET /health c${connections}`] = await measureLoad({
          url: `${s.url}/health`,
          connections,
          durationMs: 3000,
        });
      // REST figures (targets: list ≥ 5,000 req/s, synchronous execute ≥ 1,500 req/s). The
      // addition sample is synced from ./tasks at start-up; executes run on executor threads.
      for (const connections of [1, 32])
        load[`GET /api/v1/tasks?_start=0&_end=25 c${connections}`] = await measureLoad({
          url: `${s.url}/api/v1/tasks?_start=0&_end=25`,
          connections,
          durationMs: 3000,
        });
      for (const connections of [1, 32])
        load[`POST /api/v1/tasks/addition/execute c${connections}`] = await measureLoad({
          url: `${s.url}/api/v1/tasks/addition/execute`,
          method: 'POST',
          body: JSON.stringify({ input: { num1: 2, num2: 3 } }),
          headers: { 'content-type': 'application/json' },
          connections,
          durationMs: 3000,
        });
    } finally {
      await s.stop();
    }
    report('api', {
      idleRssMb: { embeddedWorkers: rssEmbedded, noWorkers: rssNoWorkers, targetMb: 100 },
      load,
      targets: { listReqPerSec: 5000, executeReqPerSec: 1500 },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread && import.meta.main) await main();
