// MCP benchmark: `tools/call` of ratchet_execute_task on the `addition` task over HTTP (/mcp on the
// built `ratchet serve`, SQLite in a temp folder, ./tasks/addition synced), through the official
// client. Reports p50/p99 latency and calls/s, one call at a time and with 8 clients at once, for
// the initialize-based protocol and the stateless 2026-07-28 one. Target: p50 ≤ 5 ms (one at a time).
// Run: npx node bench/mcp.ts   (build first: npx tsc -p tsconfig.build.json)
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { percentile, report, round } from './lib.ts';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ADDITION = fileURLToPath(new URL('../sample/tasks/addition', import.meta.url));
const CALLS = Number(process.env.RATCHET_BENCH_MCP_CALLS ?? 1000);

async function serve(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with npx tsc -p tsconfig.build.json`);
  writeFileSync(
    join(dir, 'ratchet.yaml'),
    'server:\n  rate_limit:\n    enabled: false\nlogging:\n  level: warn\n',
  );
  const child = spawn(process.execPath, [CLI, 'serve', '--config', 'ratchet.yaml', '--port', '0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    // serve tells its URL on stderr: `ratchet serving on http://127.0.0.1:PORT (…)`.
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ratchet serving on (http:\/\/[^\s"]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then(() => reject(new Error(`ratchet serve exited:\n${out}`)));
  });
  for (let i = 0; (await fetch(`${url}/ready`).catch(() => undefined))?.status !== 200; i++) {
    if (i > 400) throw new Error(`${url}/ready never became 200:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exit;
    },
  };
}

async function client(url: string, modern: boolean): Promise<Client> {
  const c = new Client(
    { name: 'ratchet-bench', version: '1.0.0' },
    modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await c.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return c;
}

async function call(c: Client, i: number): Promise<number> {
  const t0 = performance.now();
  const res = await c.callTool({
    name: 'ratchet_execute_task',
    arguments: { task_id: 'addition', input: { num1: i, num2: 1 } },
  });
  const ms = performance.now() - t0;
  const out = res.structuredContent as { status?: string } | undefined;
  if (res.isError || out?.status !== 'COMPLETED') throw new Error(`call failed: ${JSON.stringify(res)}`);
  return ms;
}

async function measure(url: string, modern: boolean, clients: number): Promise<Record<string, number>> {
  const cs = await Promise.all(Array.from({ length: clients }, () => client(url, modern)));
  try {
    for (let i = 0; i < 50; i++) await call(cs[i % clients]!, i);
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      cs.map(async (c) => {
        while (next < CALLS) times.push(await call(c, next++));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      callsPerSec: round(CALLS / seconds, 1),
    };
  } finally {
    await Promise.all(cs.map((c) => c.close()));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-mcp-'));
cpSync(ADDITION, join(dir, 'tasks', 'addition'), { recursive: true });
const s = await serve(dir);
try {
  const figures: Record<string, unknown> = { calls: CALLS, targetP50Ms: 5 };
  for (const modern of [false, true]) {
    for (const clients of [1, 8]) {
      figures[`${modern ? 'stateless2026' : 'initialize2025'}_c${clients}`] = await measure(
        s.url,
        modern,
        clients,
      );
    }
  }
  report('mcp', figures);
} finally {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
}
