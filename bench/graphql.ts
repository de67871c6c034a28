// GraphQL benchmark: the built `ratchet serve` (as bench/api.ts starts it: loopback, rate limits
// off, the sample tasks) driven by the same load generator, GraphQL next to REST in one run:
// - the tasks list (page of 25, the data of api.ts's list figure) POSTed at 1 and 32 connections,
//   and at 1 connection also as a GET, the method of REST's list;
// - executeTaskDirect of `addition` vs POST /api/v1/tasks/addition/execute at 32 connections;
//   each pair in alternating rounds (see pair());
// - subscription delivery: a job finishes (its finishedAt) → jobUpdated received by a graphql-ws
//   client, p50/p99, with 1 and with 100 subscribers, on SQLite and on PostgreSQL (when
//   RATCHET_TEST_PG_URL's server answers).
// Targets (issue 18): GraphQL ≥ 80 % of REST; delivery p50 ≤ 5 ms SQLite, ≤ 10 ms PostgreSQL.
// Run: npx node bench/graphql.ts   (build first: npm run build)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { measureLoad, startServeForBench, type LoadResult } from './api.ts';
import { percentile, report, round } from './lib.ts';
import { createTempPgDatabase } from '../src/store/test-helpers/temp-db.ts';

const SAMPLES = fileURLToPath(new URL('../sample/tasks', import.meta.url));
const JSON_HEADERS = { 'content-type': 'application/json' };

const TASK_FIELDS =
  'id uuid name description enabled available sourceId latestVersion latestVersionId createdAt updatedAt deletedAt';
const LIST_SOURCE = `{ tasks(pagination: { limit: 25 }) { total items { ${TASK_FIELDS} } } }`;
const LIST_QUERY = JSON.stringify({ query: LIST_SOURCE });
const EXECUTE_QUERY = JSON.stringify({
  query:
    'mutation { executeTaskDirect(taskId: "addition", input: { num1: 2, num2: 3 }) { success output executionId } }',
});

function config(database?: string): string {
  const db = database ? `  database:\n    url: ${database}\n` : '';
  return `server:\n${db}  rate_limit:\n    enabled: false\n  workers:\n    embedded: true\n    worker_count: 1\nlogging:\n  level: warn\n`;
}

/**
 * Rounds per pair: REST and GraphQL alternate, so a drift in the machine's speed hits both. Ten
 * short rounds pair better than five long ones (the machine drifts within seconds), and the order
 * swaps every round (REST first, then GraphQL first) so a steady drift favours neither side.
 */
const ROUNDS = 10;
const ROUND_MS = 1000;

type LoadOptions = Parameters<typeof measureLoad>[0];

interface Pair {
  rest: LoadResult;
  graphql: LoadResult;
  /** GraphQL req/s over REST's, the median of the rounds' ratios. */
  ratio: number;
  rounds: { rest: number; graphql: number }[];
}

/** The round whose req/s is the median one (its latencies are reported with it). */
function medianRound(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.reqPerSec - b.reqPerSec)[results.length >> 1]!;
}

/**
 * REST and GraphQL measured in alternating rounds on the same server after one warm-up round of
 * each: on a shared 2-core VM the speed of the whole machine drifts by tens of percent within a
 * minute, and back-to-back 5 s runs compared one phase of that drift with another.
 */
async function pair(rest: LoadOptions, graphql: LoadOptions): Promise<Pair> {
  await measureLoad({ ...rest, durationMs: 1000 });
  await measureLoad({ ...graphql, durationMs: 1000 });
  const r: LoadResult[] = [];
  const g: LoadResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      r.push(await measureLoad({ ...rest, durationMs: ROUND_MS }));
      g.push(await measureLoad({ ...graphql, durationMs: ROUND_MS }));
    } else {
      g.push(await measureLoad({ ...graphql, durationMs: ROUND_MS }));
      r.push(await measureLoad({ ...rest, durationMs: ROUND_MS }));
    }
  }
  const refused = [...r, ...g].filter((x) => x.non2xx > 0 || x.errors > 0);
  if (refused.length > 0)
    throw new Error(`responses outside 2xx: ${refused.map((x) => `${x.non2xx}/${x.errors}`).join('; ')}`);
  return {
    rest: medianRound(r),
    graphql: medianRound(g),
    ratio: round(
      percentile(
        r.map((x, i) => g[i]!.reqPerSec / x.reqPerSec),
        50,
      ),
      2,
    ),
    rounds: r.map((x, i) => ({ rest: x.reqPerSec, graphql: g[i]!.reqPerSec })),
  };
}

async function throughput(url: string): Promise<Record<string, unknown>> {
  const list = (connections: number): Promise<Pair> =>
    pair(
      { url: `${url}/api/v1/tasks?_start=0&_end=25`, connections, durationMs: ROUND_MS },
      {
        url: `${url}/graphql`,
        method: 'POST',
        body: LIST_QUERY,
        headers: JSON_HEADERS,
        connections,
        durationMs: ROUND_MS,
      },
    );
  const listC1 = await list(1);
  const listC32 = await list(32);
  // The same query as a GET (GraphQL over HTTP allows it for queries): REST's list is a GET too,
  // so this pair differs only by the face, not by a request body to read and parse.
  const listGetC1 = await pair(
    { url: `${url}/api/v1/tasks?_start=0&_end=25`, connections: 1, durationMs: ROUND_MS },
    { url: `${url}/graphql?query=${encodeURIComponent(LIST_SOURCE)}`, connections: 1, durationMs: ROUND_MS },
  );
  const executeC32 = await pair(
    {
      url: `${url}/api/v1/tasks/addition/execute`,
      method: 'POST',
      body: JSON.stringify({ input: { num1: 2, num2: 3 } }),
      headers: JSON_HEADERS,
      connections: 32,
      durationMs: ROUND_MS,
    },
    {
      url: `${url}/graphql`,
      method: 'POST',
      body: EXECUTE_QUERY,
      headers: JSON_HEADERS,
      connections: 32,
      durationMs: ROUND_MS,
    },
  );
  return {
    method: `${ROUNDS} alternating rounds of ${ROUND_MS} ms per pair; figures are the median round, the share is the median of the rounds' ratios`,
    load: {
      'REST GET /api/v1/tasks?_start=0&_end=25 c1': listC1.rest,
      'GraphQL tasks(limit 25) c1': listC1.graphql,
      'REST GET /api/v1/tasks?_start=0&_end=25 c32': listC32.rest,
      'GraphQL tasks(limit 25) c32': listC32.graphql,
      'REST GET /api/v1/tasks?_start=0&_end=25 c1 (beside GraphQL GET)': listGetC1.rest,
      'GraphQL GET tasks(limit 25) c1': listGetC1.graphql,
      'REST POST /api/v1/tasks/addition/execute c32': executeC32.rest,
      'GraphQL executeTaskDirect c32': executeC32.graphql,
    },
    rounds: {
      listC1: listC1.rounds,
      listC32: listC32.rounds,
      listGetC1: listGetC1.rounds,
      executeC32: executeC32.rounds,
    },
    graphqlShareOfRest: {
      listC1: listC1.ratio,
      listC32: listC32.ratio,
      listGetC1: listGetC1.ratio,
      executeC32: executeC32.ratio,
      target: 0.8,
    },
  };
}

interface JobEvent {
  jobUpdated: { job: { id: number; finishedAt: string } };
}

/** Subscribes `n` clients (each its own WebSocket) to finished jobs. */
async function subscribers(
  url: string,
  n: number,
  onEvent: (e: JobEvent, at: number, client: number) => void,
): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < n; i++) {
    const client = createClient({
      url: `${url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    client.subscribe<JobEvent>(
      { query: 'subscription { jobUpdated(filter: { status: [COMPLETED] }) { job { id finishedAt } } }' },
      { next: (v) => onEvent(v.data!, Date.now(), i), error: (e) => console.error(e), complete: () => {} },
    );
    clients.push(client);
  }
  return clients;
}

/** Sequential jobs: for each, the time from its finishedAt to each subscriber's receipt. */
export async function delivery(
  url: string,
  subscriberCount: number,
  jobs: number,
): Promise<Record<string, number>> {
  const latencies: number[] = [];
  const waiting = new Map<number, { left: number; done: () => void }>();
  const early = new Map<number, number>();
  const live = new Set<number>();
  const clients = await subscribers(url, subscriberCount, (e, at, client) => {
    live.add(client);
    latencies.push(at - Date.parse(e.jobUpdated.job.finishedAt));
    const id = e.jobUpdated.job.id;
    const w = waiting.get(id);
    if (w) {
      if (--w.left === 0) w.done();
    } else early.set(id, (early.get(id) ?? 0) + 1);
  });
  try {
    // graphql-ws does not acknowledge a subscription: queue jobs until every client has seen one,
    // then measure from a clean slate.
    for (let i = 0; live.size < subscriberCount && i < 300; i++) {
      await fetch(`${url}/api/v1/jobs`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ taskId: 'addition', input: { num1: 0, num2: 0 } }),
      });
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    latencies.length = 0;
    early.clear();
    for (let i = 0; i < jobs; i++) {
      const res = await fetch(`${url}/api/v1/jobs`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ taskId: 'addition', input: { num1: i, num2: 1 } }),
      });
      const id = ((await res.json()) as { data: { id: number } }).data.id;
      await new Promise<void>((resolve, reject) => {
        const left = subscriberCount - (early.get(id) ?? 0);
        if (left <= 0) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`job ${id}: not delivered to every subscriber in 10 s`)),
          10_000,
        );
        waiting.set(id, { left, done: () => (clearTimeout(timer), resolve()) });
      });
      waiting.delete(id);
    }
  } finally {
    for (const c of clients) await c.dispose();
  }
  return { deliveries: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

export async function deliveryOn(dir: string, database?: string): Promise<Record<string, unknown>> {
  const s = await startServeForBench(dir, config(database));
  try {
    return {
      subscribers1: await delivery(s.url, 1, 200),
      subscribers100: await delivery(s.url, 100, 50),
    };
  } finally {
    await s.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-graphql-'));
  try {
    cpSync(SAMPLES, join(dir, 'tasks'), { recursive: true });
    const s = await startServeForBench(dir, config().replace('embedded: true', 'embedded: false'));
    let figures: Record<string, unknown>;
    try {
      figures = await throughput(s.url);
    } finally {
      await s.stop();
    }
    const sqlite = await deliveryOn(dir);
    let postgres: Record<string, unknown> | { skipped: string };
    try {
      const temp = await createTempPgDatabase();
      try {
        postgres = await deliveryOn(dir, temp.url);
      } finally {
        await temp.drop();
      }
    } catch (err) {
      postgres = { skipped: err instanceof Error ? err.message : String(err) };
    }
    report('graphql', {
      loadGenerator: 'undici',
      ...figures,
      subscriptionDelivery: {
        what: 'job finishedAt → jobUpdated received (ms, same machine clock)',
        sqlite,
        postgres,
        targets: { sqliteP50Ms: 5, postgresP50Ms: 10 },
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
