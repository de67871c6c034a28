// Store benchmark: per backend (SQLite temp file, fresh PostgreSQL database) insert and read back
// 10,000 task versions and 100,000 executions, then time the executions list query (filter on
// task + status, newest first, 25 rows) at 100,000 rows. Prints one JSON object.
// Run: npx node bench/store.ts   (PostgreSQL: RATCHET_TEST_PG_URL or postgres@127.0.0.1:5432)
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/store/database.ts';
import type { Dialect, Store } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { createTask, insertTaskVersions, listTaskVersions } from '../src/store/repos/tasks.ts';
import type { SaveTaskVersionInput } from '../src/store/repos/tasks.ts';
import { insertExecutions, listExecutions } from '../src/store/repos/executions.ts';
import type { InsertExecutionInput } from '../src/store/repos/executions.ts';
import type { ExecutionStatus } from '../src/store/schema.ts';
import { createTempDatabase } from '../src/store/test-helpers/temp-db.ts';

const TASKS = 100;
const VERSIONS_PER_TASK = 100; // 10,000 versions
const EXECUTIONS = 100_000;
const LIST_RUNS = 500;
const WARMUP = 50;
const STATUSES: ExecutionStatus[] = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];

const CODE = `export default function main(input) {\n  return { sum: input.a + input.b };\n}\n`.repeat(10);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function benchBackend(store: Store) {
  const { db } = store;
  const tasks: { id: number; versionIds: number[] }[] = [];
  for (let t = 0; t < TASKS; t++)
    tasks.push({ id: (await createTask(db, { name: `bench-task-${t}` })).id, versionIds: [] });

  const versions: SaveTaskVersionInput[] = [];
  for (const task of tasks) {
    for (let v = 0; v < VERSIONS_PER_TASK; v++) {
      versions.push({
        taskId: task.id,
        version: `1.${v}.0`,
        code: CODE,
        inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
        outputSchema: { type: 'object' },
        metadata: { name: `bench-task-${task.id}`, version: `1.${v}.0`, tags: ['bench'] },
        tests: [{ name: 'test-001.json', text: '{"input":{"a":1,"b":2},"expected_output":{"sum":3}}' }],
        checksum: `${task.id}-${v}`,
        changeSource: 'api',
      });
    }
  }
  const vInsert = await timed(() => insertTaskVersions(db, versions));
  const vRead = await timed(async () => {
    let n = 0;
    for (const task of tasks) {
      const rows = await listTaskVersions(db, task.id);
      task.versionIds = rows.map((r) => r.id);
      n += rows.length;
    }
    return n;
  });
  if (vRead.value !== versions.length)
    throw new Error(`read back ${vRead.value} of ${versions.length} task versions`);

  const base = Date.now() - EXECUTIONS * 1000;
  const executions: InsertExecutionInput[] = [];
  for (let i = 0; i < EXECUTIONS; i++) {
    const task = tasks[i % TASKS]!;
    executions.push({
      taskId: task.id,
      taskVersionId: task.versionIds[i % VERSIONS_PER_TASK]!,
      status: STATUSES[Math.floor(i / TASKS) % STATUSES.length]!,
      input: { a: i, b: i + 1 },
      createdAt: base + i * 1000,
    });
  }
  const eInsert = await timed(() => insertExecutions(db, executions));
  const eRead = await timed(async () => {
    // Keyset paging over the whole table, 1,000 rows a page.
    let last = 0;
    let n = 0;
    for (;;) {
      const page = await listExecutions(db, {
        filters: [{ field: 'id', op: 'gt', value: last }],
        sort: { field: 'id', order: 'asc' },
        limit: 1000,
      });
      if (page.rows.length === 0) return n;
      n += page.rows.length;
      last = page.rows.at(-1)!.id;
    }
  });
  if (eRead.value !== EXECUTIONS) throw new Error(`read back ${eRead.value} of ${EXECUTIONS} executions`);

  const samples: number[] = [];
  let matched = 0;
  for (let i = 0; i < WARMUP + LIST_RUNS; i++) {
    const task = tasks[(i * 7) % TASKS]!;
    const status = STATUSES[i % STATUSES.length]!;
    const start = performance.now();
    const page = await listExecutions(db, {
      filters: [
        { field: 'taskId', op: 'eq', value: task.id },
        { field: 'status', op: 'eq', value: status },
      ],
      sort: { field: 'createdAt', order: 'desc' },
      limit: 25,
    });
    const ms = performance.now() - start;
    if (i >= WARMUP) {
      samples.push(ms);
      matched = page.total;
    }
    if (page.rows.length !== Math.min(25, page.total)) throw new Error('list query returned a short page');
  }
  samples.sort((a, b) => a - b);

  return {
    taskVersions: {
      rows: versions.length,
      insertMs: round(vInsert.ms),
      insertPerSecond: Math.round(versions.length / (vInsert.ms / 1000)),
      readBackMs: round(vRead.ms),
    },
    executions: {
      rows: EXECUTIONS,
      insertMs: round(eInsert.ms),
      insertPerSecond: Math.round(EXECUTIONS / (eInsert.ms / 1000)),
      readBackMs: round(eRead.ms),
      readPerSecond: Math.round(EXECUTIONS / (eRead.ms / 1000)),
    },
    listQuery: {
      tableRows: EXECUTIONS,
      query: 'taskId = ? AND status = ? ORDER BY createdAt DESC LIMIT 25, with total',
      matchesPerQuery: matched,
      runs: LIST_RUNS,
      p50Ms: round(percentile(samples, 50)),
      p99Ms: round(percentile(samples, 99)),
    },
  };
}

const results: Record<string, unknown> = { benchmark: 'store', node: process.version };
for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  const temp = await createTempDatabase(dialect);
  try {
    const store = await openDatabase({ url: temp.url, maxConnections: 4 });
    try {
      await migrateToLatest(store);
      results[dialect] = await benchBackend(store);
    } finally {
      await store.close();
    }
  } finally {
    await temp.drop();
  }
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
