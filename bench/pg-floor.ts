// PostgreSQL's own CPU per job for the claim and the completion alone: 20,000 queued no-op jobs
// claimed and completed 50 at a time on one connection, nothing run in between, and the CPU of
// every `postgres` process read from /proc before and after (Linux only; the server must run on
// this machine). It is the floor under bench/peers' PostgreSQL throughput, where the same two
// cores also carry Ratchet's process: at 10,000 jobs/s each job has 0.2 ms of them.
//
// Variants, each in a fresh database, interleaved round-robin over --rounds (default 2):
// - `backend`: the queue backend's own claim and completion (app.queue.claim / complete);
// - `byHand`: the same statements written out below (their guards and CTEs, without the claim's
//   version-less and concurrency-limited branches), so the alternatives compare with like;
// - `writeOnce`: the execution row written once, at the end (no RUNNING row at the claim);
// - `hotCompletion`: today's statements, with the end's UPDATE of the execution row HOT: the three
//   execution indexes holding `status` or `duration_ms` dropped, fillfactor 70;
// - `both`: the two together.
// The alternatives are measurements of designs, not code paths: bench/README.md says what each
// would cost a user. Prints one JSON object. Run: npx node bench/pg-floor.ts [--rounds N]
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createTestApp, saveTask, type TestApp } from '../src/workers/test-helpers.ts';
import { enqueueMany } from '../src/services/jobs/index.ts';
import type { AttemptResult } from '../src/queue/attempt.ts';
import { percentile, report, round } from './lib.ts';

const JOBS = 20_000;
const BATCH = 50;
const ENQUEUE_CHUNK = 10_000;
const WORKER = 'floor-worker';
/** Each variant's design: through the backend, or written out with either change (see above). */
const DESIGNS = {
  backend: undefined,
  byHand: { writeOnce: false, hot: false },
  writeOnce: { writeOnce: true, hot: false },
  hotCompletion: { writeOnce: false, hot: true },
  both: { writeOnce: true, hot: true },
} as const;
type Variant = keyof typeof DESIGNS;
const VARIANTS = Object.keys(DESIGNS) as Variant[];

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '2' } } });
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds: a whole number ≥ 1, not ${args.rounds}`);

/** CPU time (ms) of every process named `postgres` on this machine. */
function serverCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (!stat.includes('(postgres)')) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
  }
  return ticks * 10; // USER_HZ 100
}

const CLAIMED = `update jobs set status = 'PROCESSING', attempts = jobs.attempts + 1, lease_owner = $3,
    lease_expires_at = $4, started_at = coalesce(jobs.started_at, $1), updated_at = $1
  where jobs.id = any(array(select id from cand))
  returning jobs.*, coalesce(jobs.task_version_id,
      (select tasks.latest_version_id from tasks where tasks.id = jobs.task_id)) as vid,
    nextval('executions_id_seq'::regclass) as eid, gen_random_uuid()::text as euuid`;
const CANDIDATES = `select jobs.id from jobs where jobs.status in ('QUEUED', 'RETRYING') and jobs.run_at <= $1
  order by jobs.priority desc, jobs.run_at, jobs.id limit $2 for update of jobs skip locked`;
const OPEN_EXECUTIONS = `insert into executions (id, uuid, job_id, task_id, task_version_id, attempt, status, input,
    worker_id, started_at, created_at)
  select c.eid, c.euuid, c.id, c.task_id, c.vid, c.attempts, 'RUNNING', c.input, cast($3 as text),
    cast($1 as bigint), cast($1 as bigint) from claimed c`;
const claimSql = (openExecution: boolean) => `with cand as (${CANDIDATES}), claimed as (${CLAIMED})
  ${openExecution ? `, execs as (${OPEN_EXECUTIONS})` : ''}
  select id, eid, euuid, attempts, vid from claimed`;

const VALUES = `select * from unnest($1::bigint[], $2::text[], $3::integer[], $4::bigint[], $5::bigint[],
    $6::text[], $7::text[], $8::text[]) as v(job, worker, attempt, finished, eid, output, euuid, vid)`;
const COMPLETED_JOBS = `update jobs set status = 'COMPLETED', finished_at = v.finished, updated_at = v.finished,
    lease_owner = null, lease_expires_at = null, last_error = null, secret_input = null
  from v where jobs.id = v.job and jobs.lease_owner = v.worker and jobs.attempts = v.attempt
    and jobs.status || '' = 'PROCESSING'
  returning jobs.*`;
const UPDATE_EXECUTIONS = `update executions set status = 'COMPLETED', output = v.output, finished_at = v.finished,
    duration_ms = v.finished - executions.started_at
  from v join j on j.id = v.job
  where executions.id = v.eid and executions.status || '' = 'RUNNING'
  returning row_to_json(executions.*) as execution`;
const INSERT_EXECUTIONS = `insert into executions (id, uuid, job_id, task_id, task_version_id, attempt, status,
    input, output, worker_id, started_at, finished_at, duration_ms, created_at)
  select v.eid, v.euuid, j.id, j.task_id, v.vid::bigint, j.attempts, 'COMPLETED', j.input, v.output, v.worker,
    j.started_at, v.finished, v.finished - j.started_at, j.started_at
  from v join j on j.id = v.job
  returning row_to_json(executions.*) as execution`;
const completeSql = (writeOnce: boolean) => `with v as (${VALUES}), j as (${COMPLETED_JOBS}),
  e as (${writeOnce ? INSERT_EXECUTIONS : UPDATE_EXECUTIONS}) select * from e`;

const HOT_SCHEMA = `drop index executions_status_created_idx; drop index executions_task_status_created_idx;
  drop index executions_duration_idx; alter table executions set (fillfactor = 70)`;

interface ClaimRow {
  id: string;
  eid: string;
  euuid: string;
  attempts: number;
  vid: string;
}

/** Claims and completes until the queue is empty, with the statements written out above. */
async function byHand(client: pg.Client, writeOnce: boolean): Promise<number> {
  let done = 0;
  for (;;) {
    const now = Date.now();
    const { rows } = await client.query<ClaimRow>({
      name: 'claim',
      text: claimSql(!writeOnce),
      values: [now, BATCH, WORKER, now + 60_000],
    });
    if (rows.length === 0) return done;
    const finished = Date.now();
    const completed = await client.query({
      name: 'complete',
      text: completeSql(writeOnce),
      values: [
        rows.map((r) => r.id),
        rows.map(() => WORKER),
        rows.map((r) => r.attempts),
        rows.map(() => finished),
        rows.map((r) => r.eid),
        rows.map(() => JSON.stringify({ ok: true })),
        rows.map((r) => r.euuid),
        rows.map((r) => r.vid),
      ],
    });
    done += completed.rowCount ?? 0;
  }
}

/** The same loop through the queue backend's own claim and completion. */
async function throughBackend(t: TestApp): Promise<number> {
  let done = 0;
  for (;;) {
    const now = Date.now();
    const claimed = await t.app.queue.claim({ workerId: WORKER, limit: BATCH, leaseMs: 60_000, now });
    if (claimed.length === 0) return done;
    const finished = Date.now();
    const results: AttemptResult[] = claimed.map((c) => ({
      jobId: c.job.id,
      attempt: c.job.attempts,
      executionId: c.executionId,
      workerId: WORKER,
      status: 'COMPLETED',
      output: { ok: true },
      finishedAt: finished,
    }));
    done += (await t.app.queue.complete(results)).filter(Boolean).length;
  }
}

interface Figures {
  serverUsPerJob: number;
  jobsPerSecond: number;
}

async function measure(variant: Variant): Promise<Figures> {
  const t = await createTestApp('postgres', { workers: { worker_count: 0 } });
  const client = new pg.Client({ connectionString: t.url });
  try {
    await saveTask(t.app, 'noop', 'function main(i) { return i; }');
    for (let queued = 0; queued < JOBS; queued += ENQUEUE_CHUNK) {
      const jobs = Array.from({ length: Math.min(ENQUEUE_CHUNK, JOBS - queued) }, (_, n) => ({
        input: { n },
      }));
      await enqueueMany(t.app, { task: 'noop', jobs });
    }
    await client.connect();
    const design = DESIGNS[variant];
    if (design?.hot) await client.query(HOT_SCHEMA);
    await client.query('vacuum analyze jobs');
    const cpu0 = serverCpuMs();
    if (cpu0 === 0) throw new Error('no `postgres` process on this machine: the server CPU cannot be read');
    const t0 = performance.now();
    const done = design ? await byHand(client, design.writeOnce) : await throughBackend(t);
    const ms = performance.now() - t0;
    const cpu = serverCpuMs() - cpu0;
    if (done !== JOBS) throw new Error(`${variant}: ${done} of ${JOBS} jobs completed`);
    return { serverUsPerJob: round((cpu / done) * 1000, 1), jobsPerSecond: Math.round((done / ms) * 1000) };
  } finally {
    await client.end().catch(() => {});
    await t.close();
  }
}

const runs = Object.fromEntries(VARIANTS.map((v) => [v, [] as Figures[]])) as Record<Variant, Figures[]>;
for (let r = 0; r < rounds; r++) for (const v of VARIANTS) runs[v].push(await measure(v));

const median = (v: Variant, figure: keyof Figures): number =>
  percentile(
    runs[v].map((x) => x[figure]),
    50,
  );
report('pg-floor', {
  jobs: JOBS,
  batch: BATCH,
  rounds,
  runs,
  medians: Object.fromEntries(
    VARIANTS.map((v) => [
      v,
      {
        serverUsPerJob: median(v, 'serverUsPerJob'),
        jobsPerSecond: median(v, 'jobsPerSecond'),
      },
    ]),
  ),
});
