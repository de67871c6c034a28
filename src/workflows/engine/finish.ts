// The hook the queue calls inside the transaction that stores a step job's result (or gives up on
// a lost worker's job): the step moves on (COMPLETED, WAITING_FOR_RETRY with a new attempt queued
// after its backoff, FAILED, CANCELLED) and the run advances, all committed with the result, so a
// crash can never leave a finished step whose dependents were not queued.
import { toJson, toMs, type Db } from '../../store/codec.ts';
import { GuardNeeded, type FinishedJob, type HookOptions } from '../../queue/finish-hooks.ts';
import { isRetryableError } from '../../queue/clock.ts';
import { backoffDelay } from '../../backoff.ts';
import type { DirectOffer, RunContext, StepRow } from './context.ts';
import { openRun } from './open-run.ts';
import type { DirectDispatcher } from '../../queue/direct-dispatch.ts';
import { scheduleReady, settleRun, topUpItems } from './schedule.ts';
import { guardAdvance, type EngineFailure } from './guard.ts';
import type { RetryPolicy } from '../types.ts';
import { runEnded } from '../states.ts';
import { inIds } from '../../store/id-list.ts';

/** Retries after a lost worker (not the task's fault) beyond max_attempts. */
const LOST_WORKER_RETRIES = 2;

/** A run with output destinations that this advance ended, and the steps whose finished jobs it applied. */
export type RunEnded = (runId: number, stepIds: readonly number[]) => void;

/**
 * Advances the runs of finished step jobs; returns how many jobs it queued. A run whose advance
 * throws is failed on its own (guard.ts) and reported to onFailure; the others go on. onEnded
 * hears of each run with output destinations the advance ended (or found ended), so the caller
 * can deliver after the commit.
 * Unguarded (the first try, queue/finish-hooks.ts), no savepoints are taken and any failure
 * throws GuardNeeded: the caller runs the transaction again guarded.
 */
export async function advanceFinishedSteps(
  trx: Db,
  finished: readonly FinishedJob[],
  onFailure?: (f: EngineFailure) => void,
  onEnded?: RunEnded,
  opts: HookOptions & { dispatcher?: DirectDispatcher } = { guarded: true },
): Promise<number> {
  const steps = finished.filter((f) => f.job.workflowStepId !== null);
  if (steps.length === 0) return 0;
  if (!opts.guarded) {
    // Only here may a next step's job go straight to an idle local thread: a guarded retry (after
    // any failure) takes the plain path.
    const { dispatcher, afterCommit } = opts;
    const direct = dispatcher && afterCommit && { reserve: () => dispatcher.reserve(), afterCommit };
    try {
      return await advanceAll(trx, steps, (_target, fn) => fn(), onEnded, opts.keys, direct);
    } catch (err) {
      throw new GuardNeeded(err);
    }
  }
  return advanceAll(trx, steps, (target, fn) => guardAdvance(trx, target, fn, onFailure), onEnded, opts.keys);
}

type Guard = (
  target: { runId?: number; stepIds: readonly number[] },
  fn: () => Promise<number>,
) => Promise<number>;

async function advanceAll(
  trx: Db,
  steps: readonly FinishedJob[],
  guard: Guard,
  onEnded?: RunEnded,
  keys?: ReadonlyMap<number, number>,
  direct?: DirectOffer,
): Promise<number> {
  const stepIds = (list: readonly FinishedJob[]) => list.map((f) => f.job.workflowStepId!);
  if (steps.length === 1) {
    return guard({ stepIds: stepIds(steps) }, async () => {
      const ctx = await openRun(trx, { stepId: steps[0]!.job.workflowStepId! }, 'engine');
      if (ctx) ctx.direct = direct;
      return ctx ? advance(ctx, steps, onEnded) : 0;
    });
  }
  const ids = steps.map((f) => f.job.workflowStepId!);
  // The runs the result writer read to split its batch (enableWorkflows' keys) when it did: a
  // step's run never changes, so they need not be read again (0: the step was gone).
  const runOf = ids.every((id) => keys?.has(id))
    ? new Map(ids.flatMap((id) => (keys!.get(id) ? [[id, keys!.get(id)!] as const] : [])))
    : await runsOfSteps(trx, ids);
  // Runs in id order: two nodes locking the same runs always take them in the same order.
  const byRun = new Map<number, FinishedJob[]>();
  for (const f of steps) {
    const runId = runOf.get(f.job.workflowStepId!);
    if (runId !== undefined) byRun.set(runId, [...(byRun.get(runId) ?? []), f]);
  }
  let enqueued = 0;
  for (const runId of [...byRun.keys()].sort((a, b) => a - b)) {
    const mine = byRun.get(runId)!;
    enqueued += await guard({ runId, stepIds: stepIds(mine) }, async () => {
      const ctx = await openRun(trx, runId, 'engine');
      if (ctx) ctx.direct = direct;
      return ctx ? advance(ctx, mine, onEnded) : 0;
    });
  }
  return enqueued;
}

/** The run of each step (by step id); a step that no longer exists is left out. */
export async function runsOfSteps(db: Db, stepIds: readonly number[]): Promise<Map<number, number>> {
  if (stepIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('workflow_steps')
    .select(['id', 'run_id'])
    .where(inIds(db, 'id', [...new Set(stepIds)]))
    .execute();
  return new Map(rows.map((r) => [Number(r.id), Number(r.run_id)]));
}

/** Applies the run's finished jobs, starts what became ready, settles the run; jobs queued. */
async function advance(
  ctx: RunContext,
  finished: readonly FinishedJob[],
  onEnded?: RunEnded,
): Promise<number> {
  // for_each steps whose items finished: topped up once per advance, not once per item.
  const parents = new Set<StepRow>();
  const rows = await stepRowsOf(ctx, finished);
  for (const f of finished) {
    const parent = applyResult(ctx, f, rows);
    if (parent) parents.add(parent);
  }
  for (const parent of parents) await topUpItems(ctx, parent, ctx.stepDef(parent.name));
  await scheduleReady(ctx);
  await settleRun(ctx, 'a step finished');
  await ctx.flush();
  // Only a run with output destinations has anything to do after the commit.
  if (runEnded(ctx.run.status) && ctx.run.delivers)
    onEnded?.(
      ctx.run.id,
      finished.map((f) => f.job.workflowStepId!),
    );
  return ctx.enqueued;
}

/**
 * The step rows the finished jobs need, by id: the run's top-level steps (ctx.steps, a for_each
 * item's parent among them) and the finished for_each items, read in one statement (a busy worker
 * finishes dozens of one run's items per flush, and a read per item was a round trip each on
 * PostgreSQL). One row object per step, so a step named twice is moved once.
 */
async function stepRowsOf(ctx: RunContext, finished: readonly FinishedJob[]): Promise<Map<number, StepRow>> {
  const rows = new Map([...ctx.steps.values()].map((s) => [Number(s.id), s]));
  const items = [...new Set(finished.map((f) => f.job.workflowStepId!))].filter((id) => !rows.has(id));
  if (items.length > 0) {
    const read = await ctx.trx
      .selectFrom('workflow_steps')
      .selectAll()
      .where(inIds(ctx.trx, 'id', items))
      .execute();
    for (const row of read) rows.set(Number(row.id), row);
  }
  // A failed attempt may be retried with the step's stored input (top-level rows are loaded without).
  const failed = finished.filter((f) => f.jobStatus === 'FAILED').map((f) => rows.get(f.job.workflowStepId!));
  await ctx.load(
    failed.filter((row) => row !== undefined),
    'input',
  );
  return rows;
}

/** Applies one job's end to its step; returns the for_each step when the job ran one of its items. */
function applyResult(ctx: RunContext, f: FinishedJob, rows: Map<number, StepRow>): StepRow | undefined {
  if (ctx.run.status === 'CANCELLED') return undefined;
  const row = rows.get(f.job.workflowStepId!);
  const parent = row?.parent_id == null ? undefined : rows.get(Number(row.parent_id));
  // A result for an attempt the step has moved past (cancelled, resolved, retried by hand).
  const current = row && Number(row.job_id) === f.job.id;
  if (!row || !current || (row.status !== 'ENQUEUED' && row.status !== 'WAITING_FOR_RETRY')) return undefined;
  const def = ctx.stepDef(row.name);
  const startedAt = f.execution?.startedAt ? toMs(f.execution.startedAt) : ctx.now;
  const times = { started_at: row.started_at ?? startedAt, finished_at: ctx.now };
  if (f.jobStatus === 'COMPLETED') {
    ctx.moveStep(row, ['RUNNING', 'COMPLETED'], `attempt ${row.attempts} succeeded`, {
      ...times,
      output: toJson(f.execution?.output ?? null),
      error: null,
    });
  } else if (f.jobStatus === 'FAILED') {
    const error = (f.execution?.error ??
      f.job.lastError ?? { type: 'Error', message: 'the attempt failed' }) as {
      type?: string;
      message?: string;
    };
    const delay = retryDelay(def.retry, row.attempts, error);
    if (delay !== undefined) {
      ctx.moveStep(row, ['RUNNING'], `attempt ${row.attempts} started`, {
        started_at: times.started_at,
        error: toJson(error),
      });
      ctx.queueAttempt(
        row,
        def,
        JSON.parse(loaded(row.input) ?? '{}'),
        'WAITING_FOR_RETRY',
        `attempt ${row.attempts} failed (${error.type ?? 'Error'}: ${error.message ?? ''}); retrying in ${delay} ms`,
        delay,
      );
    } else {
      ctx.moveStep(
        row,
        ['RUNNING', 'FAILED'],
        `attempt ${row.attempts} failed (${error.type ?? 'Error'}: ${error.message ?? ''})`,
        {
          ...times,
          error: toJson(error),
        },
      );
    }
  } else if (f.jobStatus === 'CANCELLED') {
    ctx.moveStep(row, ['RUNNING', 'CANCELLED'], 'its job was cancelled', times);
  } else {
    return undefined; // handed back to the queue: the same attempt runs again
  }
  return parent;
}

/** A column stepRowsOf read (a programming error otherwise, never a silent default). */
function loaded<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a step column was used before it was read');
  return value;
}

/** The delay before the next attempt, or undefined when the step has failed for good. */
function retryDelay(policy: RetryPolicy, attempts: number, error: { type?: string }): number | undefined {
  if (error.type === 'WorkerLost') {
    return attempts < policy.max_attempts + LOST_WORKER_RETRIES ? 0 : undefined;
  }
  if (!policy.retryable || attempts >= policy.max_attempts || !isRetryableError(error)) return undefined;
  if (policy.backoff === 'fixed') return Math.min(policy.backoff_base_ms, policy.max_backoff_ms);
  return backoffDelay({ initialMs: policy.backoff_base_ms, maxMs: policy.max_backoff_ms }, attempts - 1);
}
