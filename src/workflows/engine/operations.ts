// What an operator does to a run: cancel it (queued step jobs are cancelled, running ones asked to
// stop), retry a failed step (the run resumes), resolve a step by hand with a given output (its
// dependents then run). Each is one transaction on the locked run, like the engine's own advances.
import { sql } from 'kysely';
import { inTransaction, NotFoundError, toJson, type Db } from '../../store/codec.ts';
import { STEP_ACTIVE, type StepState } from '../states.ts';
import { IllegalWorkflowTransitionError } from '../states.ts';
import type { RunContext, StepRow } from './context.ts';
import { openRun } from './open-run.ts';
import { scheduleReady, settleRun, topUpItems } from './schedule.ts';

export interface OperationResult {
  runId: number;
  /** Jobs queued: the caller wakes the workers. */
  enqueued: number;
  /** Running jobs asked to stop. */
  stopping: number;
}

async function withRun(
  db: Db,
  runId: number,
  actor: string,
  fn: (ctx: RunContext) => Promise<number | void>,
): Promise<OperationResult> {
  return inTransaction(db, async (trx) => {
    const ctx = await openRun(trx, runId, actor);
    if (!ctx) throw new NotFoundError(`workflow run ${runId} does not exist`);
    const stopping = (await fn(ctx)) ?? 0;
    await ctx.flush();
    return { runId, enqueued: ctx.enqueued, stopping };
  });
}

export function cancelRun(db: Db, runId: number, actor: string): Promise<OperationResult> {
  return withRun(db, runId, actor, async (ctx) => {
    if (
      ctx.run.status === 'CANCELLED' ||
      ctx.run.status === 'COMPLETED' ||
      ctx.run.status === 'RESOLVED_MANUALLY'
    ) {
      throw new IllegalWorkflowTransitionError(`workflow run ${runId}`, ctx.run.status, 'CANCELLED', []);
    }
    const open = await ctx.trx
      .selectFrom('workflow_steps')
      .selectAll()
      .where('run_id', '=', runId)
      .where('status', 'in', ['PENDING', ...STEP_ACTIVE])
      .execute();
    const fresh = new Map([...ctx.steps.values()].map((r) => [Number(r.id), r]));
    for (const row of open) {
      ctx.moveStep(fresh.get(Number(row.id)) ?? row, ['CANCELLED'], 'the run was cancelled', {
        finished_at: ctx.now,
      });
    }
    const jobIds = open.flatMap((r) =>
      r.job_id === null || r.status === 'PENDING' ? [] : [Number(r.job_id)],
    );
    let stopping = 0;
    if (jobIds.length > 0) {
      await ctx.trx
        .updateTable('jobs')
        .set({
          status: 'CANCELLED',
          cancel_requested: true,
          finished_at: ctx.now,
          updated_at: ctx.now,
          last_error: toJson({ type: 'CancelledError', message: 'its workflow run was cancelled' }),
        })
        .where('id', 'in', jobIds)
        .where('status', 'in', ['QUEUED', 'RETRYING'])
        .execute();
      const running = await ctx.trx
        .updateTable('jobs')
        .set({ cancel_requested: true, updated_at: ctx.now })
        .where('id', 'in', jobIds)
        .where('status', '=', 'PROCESSING')
        .executeTakeFirst();
      stopping = Number(running.numUpdatedRows);
    }
    ctx.moveRun('CANCELLED', 'cancelled', {
      error: { type: 'CancelledError', message: `cancelled by ${actor}` },
    });
    return stopping;
  });
}

async function topLevelStep(ctx: RunContext, name: string): Promise<StepRow> {
  const row = ctx.steps.get(name);
  if (!row) throw new NotFoundError(`workflow run ${ctx.run.id} has no step "${name}"`);
  return row;
}

/** A failed step runs again (a for_each step: its failed items), with a fresh attempt budget. */
export function retryStep(db: Db, runId: number, name: string, actor: string): Promise<OperationResult> {
  return withRun(db, runId, actor, async (ctx) => {
    const row = await topLevelStep(ctx, name);
    const def = ctx.stepDef(name);
    if (row.status !== 'FAILED') {
      throw new IllegalWorkflowTransitionError(ctx.what(row), row.status, 'ENQUEUED', [
        'only a FAILED step can be retried',
      ]);
    }
    if (ctx.run.status === 'CANCELLED')
      throw new IllegalWorkflowTransitionError(`workflow run ${runId}`, 'CANCELLED', 'RUNNING', []);
    ctx.moveRun('RUNNING', `step ${name} retried by ${actor}`);
    if (def.for_each !== undefined && row.started_at !== null && (await hasItems(ctx, row))) {
      ctx.moveStep(row, ['RUNNING'], `retried by ${actor}`, { error: null, finished_at: null });
      const failed = await ctx.trx
        .selectFrom('workflow_steps')
        .selectAll()
        .where('parent_id', '=', row.id)
        .where('status', '=', 'FAILED')
        .execute();
      for (const item of failed) {
        // A fresh attempt budget (written with the attempt by flush()).
        item.attempts = 0;
        ctx.queueAttempt(item, def, JSON.parse(item.input ?? '{}'), 'ENQUEUED', `retried by ${actor}`);
      }
      await ctx.flush();
      await topUpItems(ctx, row, def);
    } else {
      const input = await ctx.inputOf(row);
      if (input === null) {
        // Its input never computed (an expression failed): compute it again.
        ctx.moveStep(row, ['PENDING'], `retried by ${actor}; its input is computed again`, {
          error: null,
          finished_at: null,
        });
      } else {
        // A fresh attempt budget (written with the attempt by flush()).
        Object.assign(row, { attempts: 0, error: null, finished_at: null });
        ctx.queueAttempt(row, def, JSON.parse(input), 'ENQUEUED', `retried by ${actor}`);
      }
    }
    await scheduleReady(ctx);
    await settleRun(ctx, `step ${name} retried`);
  });
}

async function hasItems(ctx: RunContext, row: StepRow): Promise<boolean> {
  const r = await ctx.trx
    .selectFrom('workflow_steps')
    .select(sql<number>`count(*)`.as('n'))
    .where('parent_id', '=', row.id)
    .executeTakeFirst();
  return Number(r?.n ?? 0) > 0;
}

const RESOLVABLE: readonly StepState[] = ['PENDING', 'FAILED', 'WAITING_FOR_RETRY'];

/** The step counts as done with `output`; a queued retry of it is cancelled. */
export function resolveStep(
  db: Db,
  runId: number,
  name: string,
  output: unknown,
  actor: string,
): Promise<OperationResult> {
  return withRun(db, runId, actor, async (ctx) => {
    const row = await topLevelStep(ctx, name);
    if (!RESOLVABLE.includes(row.status as StepState)) {
      throw new IllegalWorkflowTransitionError(
        ctx.what(row),
        row.status,
        'RESOLVED_MANUALLY',
        RESOLVABLE.map((s) => `from ${s}`),
      );
    }
    if (ctx.run.status === 'CANCELLED')
      throw new IllegalWorkflowTransitionError(`workflow run ${runId}`, 'CANCELLED', 'RUNNING', []);
    if (row.status === 'WAITING_FOR_RETRY' && row.job_id !== null) {
      await ctx.trx
        .updateTable('jobs')
        .set({ status: 'CANCELLED', finished_at: ctx.now, updated_at: ctx.now })
        .where('id', '=', Number(row.job_id))
        .where('status', 'in', ['QUEUED', 'RETRYING'])
        .execute();
    }
    if (ctx.run.status === 'FAILED') ctx.moveRun('RUNNING', `step ${name} resolved by ${actor}`);
    ctx.moveStep(row, ['RESOLVED_MANUALLY'], `resolved by ${actor}`, {
      output: toJson(output ?? null),
      finished_at: ctx.now,
    });
    await scheduleReady(ctx);
    await settleRun(ctx, `step ${name} resolved manually`);
  });
}
