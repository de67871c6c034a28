// What a worker reports when an attempt ends, and the execution-row write every outcome shares.
// Results are written once per attempt: each final UPDATE of a job is guarded by
// `lease_owner = worker AND attempts = attempt AND status = 'PROCESSING'`; a late result of an
// attempt whose lease was taken over matches nothing and is discarded.
import { sql } from 'kysely';
import type { Db } from '../store/codec.ts';
import { toJsonOrNull } from '../store/codec.ts';
import { toExecution, type ExecutionError, type ExecutionRecord } from '../store/repos/executions.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import type { ExecutionStatus, JobStatus } from '../store/schema.ts';
import { statusIs } from './status-guard.ts';

const JOB_PROCESSING = statusIs('status', 'PROCESSING');

export interface AttemptResult {
  jobId: number;
  /** The attempt number the claim gave (jobs.attempts after the claim). */
  attempt: number;
  executionId: number;
  workerId: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  output?: unknown;
  error?: ExecutionError | null;
  logs?: unknown[];
  /** HAR-compatible HttpExchange[] (src/http/har.ts converts). */
  http?: unknown[];
  /** The last progress report. */
  progress?: unknown;
  finishedAt: number;
  /**
   * When the run began in its executor thread. A claimed job can wait in its thread's queue behind
   * other runs; the execution's started_at (its claim until then) and duration are taken from
   * here. Absent when the run never started or the pool ended it from outside: the claim time stays.
   */
  startedAt?: number;
}

export interface FinishedAttempt {
  job: JobRecord;
  execution: ExecutionRecord;
  /** Where the job went: a final status, RETRYING or QUEUED (handed back). */
  jobStatus: JobStatus;
}

/**
 * The guard that makes a result count only for the attempt that currently holds the lease (the
 * job is found by id, never through a status index: status-guard.ts).
 */
export function ownedAttempt(r: Pick<AttemptResult, 'jobId' | 'attempt' | 'workerId'>) {
  return sql<boolean>`id = ${r.jobId} and lease_owner = ${r.workerId} and attempts = ${r.attempt} and ${JOB_PROCESSING}`;
}

/**
 * The execution's start once its run is over (SQL text over two column expressions): the run's own
 * start when known and later than the claim (a run never starts before its claim, whatever two
 * clocks say), else the claim time.
 */
export const runStartSql = (ranFrom: string, claimed: string): string =>
  `case when ${ranFrom} > ${claimed} then ${ranFrom} else ${claimed} end`;
// runStartSql's rule with the run's start as a parameter (one statement text for every value).
const STARTED_AT = (ranFrom: number | null) =>
  sql<number>`case when ${ranFrom} > started_at then ${ranFrom} else started_at end`;

/** Stores the attempt's outcome on its execution row (only while it is still RUNNING). */
export async function writeExecution(
  db: Db,
  r: AttemptResult,
  status: Extract<ExecutionStatus, 'COMPLETED' | 'FAILED' | 'CANCELLED'>,
): Promise<ExecutionRecord | undefined> {
  const row = await db
    .updateTable('executions')
    .set({
      status,
      output: toJsonOrNull(r.output),
      error: toJsonOrNull(r.error),
      logs: toJsonOrNull(r.logs),
      http: toJsonOrNull(r.http),
      progress: toJsonOrNull(r.progress),
      started_at: STARTED_AT(r.startedAt ?? null),
      duration_ms: sql<number>`${r.finishedAt} - ${STARTED_AT(r.startedAt ?? null)}`,
      finished_at: r.finishedAt,
    })
    .where('id', '=', r.executionId)
    .where(statusIs('status', 'RUNNING'))
    .returningAll()
    .executeTakeFirst();
  return row ? toExecution(row) : undefined;
}
