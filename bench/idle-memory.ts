// Idle memory of `ratchet serve` (target: RSS ≤ 100 MB): starts the built server in a temp folder
// whose ./tasks holds the sample tasks, default configuration (SQLite; embedded workers on, and
// once more with server.workers.embedded false), waits for /ready plus a settle time (default
// 10 s, RATCHET_BENCH_SETTLE_MS), and reads /proc: VmRSS, smaps_rollup (anonymous vs file-backed)
// and the threads; with --heap a preloaded probe (memory-probe.ts, on SIGUSR2) adds the main
// thread's V8 heap by space (the probe costs ~10 MB itself: preloading a .ts file loads Node's type
// stripper, so RSS figures are only comparable between runs made the same way). Anonymous mappings are split by size: WebAssembly memories are reserved with multi-GiB
// guard regions, V8 heap pages and thread stacks are small, malloc arenas are 64 MiB (or less).
// Run: npx node bench/idle-memory.ts [--verbose] [--heap]   (build first: npx tsc -p tsconfig.build.json)
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, round } from './lib.ts';
import { startServeForBench } from './api.ts';

const SAMPLES = fileURLToPath(new URL('../sample/tasks', import.meta.url));
const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));

export interface IdleMemory {
  rssMb: number;
  threads: number;
  /** From smaps_rollup. */
  anonymousMb: number;
  fileBackedMb: number;
  /** Anonymous RSS by kind of mapping (see the header). */
  anonymousByKind: Record<string, number>;
  /** Main thread V8 heap (the probe's report), when available. */
  mainHeap?: unknown;
}

const mb = (kb: number): number => round(kb / 1024, 1);

function rollup(pid: number): { anonymousKb: number; rssKb: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { anonymousKb: field('Anonymous'), rssKb: field('Rss') };
}

interface Mapping {
  sizeKb: number;
  rssKb: number;
  anonKb: number;
  name: string;
}

function mappings(pid: number): Mapping[] {
  const out: Mapping[] = [];
  let cur: Mapping | undefined;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const size = (parseInt(head[2]!, 16) - parseInt(head[1]!, 16)) / 1024;
      cur = { sizeKb: size, rssKb: 0, anonKb: 0, name: head[3] ?? '' };
      out.push(cur);
      continue;
    }
    const f = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (f && cur) {
      if (f[1] === 'Rss') cur.rssKb = Number(f[2]);
      else cur.anonKb = Number(f[2]);
    }
  }
  return out;
}

function kindOf(m: Mapping): string {
  if (m.name === '[heap]') return 'brk heap (malloc)';
  if (m.name.startsWith('[')) return m.name;
  if (m.name !== '') return 'file-backed (private dirty)';
  if (m.sizeKb >= 1024 * 1024) return 'wasm memory (GiB reservation)';
  if (m.sizeKb >= 60 * 1024) return 'large anon (malloc arenas, V8 code range)';
  return 'small anon (V8 pages, stacks, mmap allocations)';
}

export function readIdleMemory(pid: number): Omit<IdleMemory, 'mainHeap'> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const r = rollup(pid);
  const byKind: Record<string, number> = {};
  for (const m of mappings(pid)) {
    if (m.anonKb === 0) continue;
    const k = kindOf(m);
    byKind[k] = (byKind[k] ?? 0) + m.anonKb;
  }
  return {
    rssMb: mb(rssKb),
    threads,
    anonymousMb: mb(r.anonymousKb),
    fileBackedMb: mb(r.rssKb - r.anonymousKb),
    anonymousByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, mb(v)])),
  };
}

/** The largest anonymous mappings (for --verbose): size and resident size. */
function topAnonymous(pid: number, n = 15): string[] {
  return mappings(pid)
    .filter((m) => m.anonKb > 0)
    .sort((a, b) => b.anonKb - a.anonKb)
    .slice(0, n)
    .map((m) => `${mb(m.anonKb)} MB resident of ${mb(m.sizeKb)} MB ${m.name || 'anon'}`);
}

/** Starts `ratchet serve` in `dir`, waits for /ready + settleMs, measures, stops it. */
export async function measureIdle(
  dir: string,
  embedded: boolean,
  settleMs: number,
  verbose = false,
  heap = false,
): Promise<IdleMemory> {
  const probeFile = join(dir, `probe-${embedded}.json`);
  const s = await startServeForBench(
    dir,
    `server:\n  workers:\n    embedded: ${embedded}\nlogging:\n  level: warn\n`,
    heap ? { nodeArgs: ['--import', PROBE], env: { RATCHET_MEMORY_PROBE_FILE: probeFile } } : {},
  );
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    const pid = s.child.pid!;
    const figures = readIdleMemory(pid);
    if (heap) process.kill(pid, 'SIGUSR2');
    for (let i = 0; heap && i < 40 && !existsSync(probeFile); i++)
      await new Promise((r) => setTimeout(r, 25));
    const mainHeap = existsSync(probeFile)
      ? (JSON.parse(readFileSync(probeFile, 'utf8')) as unknown)
      : undefined;
    if (verbose) {
      const names = readdirSync(`/proc/${pid}/task`).map((t) => {
        try {
          return readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
        } catch {
          return '?';
        }
      });
      process.stderr.write(
        `embedded=${embedded}: threads ${names.join(', ')}\n  ${topAnonymous(pid).join('\n  ')}\n`,
      );
    }
    return { ...figures, mainHeap };
  } finally {
    await s.stop();
  }
}

/** A temp folder with the sample tasks in ./tasks (the server syncs them at start-up). */
export function idleFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-idle-'));
  cpSync(SAMPLES, join(dir, 'tasks'), { recursive: true });
  return dir;
}

async function main(): Promise<void> {
  const settleMs = Number(process.env.RATCHET_BENCH_SETTLE_MS ?? 10_000);
  const verbose = process.argv.includes('--verbose');
  const heap = process.argv.includes('--heap');
  const dir = idleFolder();
  try {
    const embedded = await measureIdle(dir, true, settleMs, verbose, heap);
    const noWorkers = await measureIdle(dir, false, settleMs, verbose, heap);
    report('idle-memory', { settleMs, targetMb: 100, embeddedWorkers: embedded, noWorkers });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
