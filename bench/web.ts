// The dashboard's budgets (issue 20): JS the first page loads, gzipped (≤ 250 KB), and all assets;
// time from navigation to the overview's first meaningful render (its queue cards) in headless
// Chromium on loopback; time for an executions list page change; and the RSS `ratchet serve` adds
// by serving the UI (RSS after every page's assets were served, minus RSS before, both after a
// settle; the API routes the pages call are used once before the first reading). The database holds the sample tasks and 100,000 finished jobs with their executions over
// the last day (bench/seed-history.ts; RATCHET_BENCH_EXECUTIONS changes the number).
// Run: npx node bench/web.ts   (build first: npm run build; needs /usr/bin/chromium)
import { mkdtempSync, readFileSync, readdirSync, rmSync, cpSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { percentile, report, round } from './lib.ts';
import { startServeForBench } from './api.ts';
import { seedHistory } from './seed-history.ts';

const WEB = fileURLToPath(new URL('../dist/web', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../sample/tasks', import.meta.url));
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];
const kb = (n: number): number => round(n / 1024, 1);
const gz = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

function assetSizes() {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const firstPage = [...html.matchAll(/(?:src|href)="\/ui\/(assets\/[^"]+\.js)"/g)].map((m) =>
    join(WEB, m[1]!),
  );
  const all = readdirSync(join(WEB, 'assets')).map((f) => join(WEB, 'assets', f));
  return {
    firstPageJsGzipKb: kb(firstPage.reduce((s, f) => s + gz(f), 0)),
    allAssetsKb: kb(all.reduce((s, f) => s + readFileSync(f).length, 0)),
    allAssetsGzipKb: kb(all.reduce((s, f) => s + gz(f), 0)),
  };
}

const rssMb = (pid: number): number =>
  round(Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024, 1);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** RSS once idle: the lowest of 6 readings a second apart after 12 s without requests (the idle
 * trim and V8's memory reducer give memory back at their own pace, not at one instant). */
async function settledRss(pid: number): Promise<number> {
  await settle(12_000);
  const readings: number[] = [];
  for (let i = 0; i < 6; i++) {
    readings.push(rssMb(pid));
    await settle(1000);
  }
  return Math.min(...readings);
}

const EXECUTIONS = Number(process.env.RATCHET_BENCH_EXECUTIONS ?? 100_000);
const CONFIG = 'logging:\n  level: warn\n';
const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-web-'));
cpSync(SAMPLES, join(dir, 'tasks'), { recursive: true });
// A first start creates the database and registers the sample tasks; the history goes in while the
// server is stopped, and the measured server starts on the full database.
await (await startServeForBench(dir, CONFIG)).stop();
const seedStart = performance.now();
seedHistory(join(dir, 'data', 'ratchet.db'), 'addition', EXECUTIONS);
const seedMs = round(performance.now() - seedStart, 0);
const served = await startServeForBench(dir, CONFIG);
let browser: Browser | undefined;
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const statsMs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    for (const path of ['/jobs/stats', '/executions/stats', '/executions/timeline'])
      await (await fetch(`${served.url}/api/v1${path}`)).arrayBuffer();
    if (i > 0) statsMs.push(performance.now() - start);
  }
  // The API routes the pages call, once each, before the first RSS reading: the difference then
  // is what serving the UI adds, not the first use of these routes.
  for (const path of [
    '/whoami',
    '/tasks?limit=1000',
    '/tasks/addition',
    '/workers?limit=100',
    '/workers/stats',
    '/executions?page=2&limit=20&_sort=id&_order=desc',
    '/executions?status=FAILED&_sort=createdAt&_order=desc&limit=5',
    '/jobs?limit=20',
    '/schedules?limit=200',
    '/workflows?limit=200',
    '/workflow-runs?limit=10',
    '/audit?limit=20',
  ])
    await (await fetch(`${served.url}/api/v1${path}`)).arrayBuffer();
  const rssBefore = await settledRss(served.child.pid!);

  const loadBefore = round(loadavg()[0]!, 1);
  const renders: number[] = [];
  // Where a render's time went, from the page's own clock: the document parsed (the JS bundle
  // loaded and ran), and the last API answer the first render waited for.
  const parsed: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < 8; i++) {
    const page = await browser.newPage();
    const start = performance.now();
    await page.goto(`${served.url}/ui/`);
    await page.getByRole('heading', { name: 'Job queue' }).waitFor();
    if (i > 0) {
      // The first run warms the server's file cache.
      renders.push(performance.now() - start);
      const [dcl, api] = await page.evaluate<[number, number]>(`[
        performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        Math.max(...performance.getEntriesByType('resource')
          .filter((e) => ['jobs/stats', 'executions/stats', 'workers?', 'executions?'].some((p) => e.name.includes('/api/v1/' + p)))
          .map((e) => e.responseEnd)),
      ]`);
      parsed.push(dcl);
      answered.push(api);
    }
    await page.close();
  }

  const page = await browser.newPage();
  await page.goto(`${served.url}/ui/#/tasks/addition`);
  await page.getByRole('button', { name: 'Run task' }).waitFor();
  await page.goto(`${served.url}/ui/#/executions`);
  await page.getByText('1–20 of').waitFor();
  const changes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('21–40 of').waitFor();
    changes.push(performance.now() - start);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('1–20 of').waitFor();
  }
  // The other pages' chunks are served too (the workflow pages carry the DAG drawing).
  for (const [path, heading] of [
    ['schedules', 'Schedules'],
    ['workflows', 'Workflows'],
    ['workers', 'Workers'],
    ['audit', 'Audit log'],
  ] as const) {
    await page.goto(`${served.url}/ui/#/${path}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  }
  await page.close();
  const rssAfter = await settledRss(served.child.pid!);

  report('web', {
    ...assetSizes(),
    overviewFirstRenderMs: {
      p50: percentile(renders, 50),
      max: round(Math.max(...renders)),
      documentParsedP50: percentile(parsed, 50),
      dataAnsweredP50: percentile(answered, 50),
    },
    executionsPageChangeMs: { p50: percentile(changes, 50), max: round(Math.max(...changes)) },
    serveRssMb: { beforeUi: rssBefore, afterUi: rssAfter, addedByUi: round(rssAfter - rssBefore, 1) },
    overviewQueriesMs: { p50: percentile(statsMs, 50), max: round(Math.max(...statsMs)) },
    executionsInDb: EXECUTIONS,
    seedMs,
    // The machine's 1-minute load average when the renders started (2 cores shared).
    loadAverage: loadBefore,
  });
} finally {
  // Also when Chromium failed to start: the server must not outlive the bench.
  await browser?.close();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
}
