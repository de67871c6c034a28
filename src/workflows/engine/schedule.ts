// What happens after any change to a run: pending steps whose dependencies are all over start
// (skipped when `when` is false, fanned out when `for_each`), for_each steps keep max_parallel
// items running and collect their outputs, and the run's own state follows from its steps.
import { sql } from 'kysely';
import { fromJson, toJson } from '../../store/codec.ts';
import { condition, evaluate, evaluateMapping, type ExpressionContext } from '../expressions.ts';
import { leaves } from '../graph.ts';
import { runStateFrom, type StepState } from '../states.ts';
import type { StepDefinition } from '../types.ts';
import type { RunContext, StepRow } from './context.ts';
import { withScope } from './scope.ts';

/** Whether a dependency lets its dependents start: over, and not a failure that stops the run. */
function satisfied(ctx: RunContext, name: string): boolean {
  const row = ctx.steps.get(name)!;
  if (row.status === 'FAILED') return ctx.stepDef(name).on_failure === 'continue';
  return row.status === 'COMPLETED' || row.status === 'SKIPPED' || row.status === 'RESOLVED_MANUALLY';
}

function failure(err: unknown): { type: string; message: string } {
  const e = err as { name?: string; message?: string };
  return { type: e.name ?? 'Error', message: e.message ?? String(err) };
}

/** Starts every ready step, repeatedly (a skipped step may make its dependents ready). */
export async function scheduleReady(ctx: RunContext): Promise<void> {
  if (ctx.run.status === 'CANCELLED') return;
  for (let changed = true; changed;) {
    changed = false;
    for (const def of ctx.def.steps) {
      const row = ctx.steps.get(def.name)!;
      if (row.status !== 'PENDING' || !def.dependencies.every((d) => satisfied(ctx, d))) continue;
      if (await startStep(ctx, row, def)) changed = true;
    }
  }
}

/** What starting a step comes to, computed from the scope before anything moves. */
type Start = { skip: true } | { items: unknown[] } | { input: unknown };

/** Returns true when the step ended at once (skipped, failed, empty for_each). */
async function startStep(ctx: RunContext, row: StepRow, def: StepDefinition): Promise<boolean> {
  let start: Start;
  try {
    start = await withScope(ctx, async (scope): Promise<Start> => {
      if (def.when !== undefined && !(await condition(def.when, scope))) return { skip: true };
      if (def.for_each !== undefined) return { items: await itemInputs(def, scope) };
      return {
        input: def.input === undefined ? defaultInput(def, scope) : await evaluateMapping(def.input, scope),
      };
    });
  } catch (err) {
    ctx.moveStep(row, ['RUNNING', 'FAILED'], 'its input could not be computed', {
      error: toJson(failure(err)),
      started_at: ctx.now,
      finished_at: ctx.now,
    });
    return true;
  }
  if ('skip' in start) {
    ctx.moveStep(row, ['SKIPPED'], `when "${def.when}" is false`, { finished_at: ctx.now });
    return true;
  }
  if ('items' in start) return fanOut(ctx, row, def, start.items);
  ctx.queueAttempt(row, def, start.input ?? {}, 'ENQUEUED', 'dependencies satisfied');
  return false;
}

function defaultInput(def: StepDefinition, scope: ExpressionContext): unknown {
  return {
    workflow: scope.workflow,
    steps: Object.fromEntries(def.dependencies.map((d) => [d, scope.steps[d] ?? null])),
  };
}

/** A for_each step's items' inputs. */
async function itemInputs(def: StepDefinition, scope: ExpressionContext): Promise<unknown[]> {
  const items = await evaluate(def.for_each!, scope);
  const list = items === undefined ? [] : items;
  if (!Array.isArray(list))
    throw new TypeError(`for_each "${def.for_each}" gave ${typeof list}, not an array`);
  const inputs: unknown[] = [];
  for (const [index, item] of list.entries()) {
    const itemScope = { ...scope, item, index };
    inputs.push(
      def.input === undefined
        ? { ...(defaultInput(def, scope) as object), item, index }
        : await evaluateMapping(def.input, itemScope),
    );
  }
  return inputs;
}

/** Inserts a for_each step's items (their inputs computed) and queues the first of them. */
async function fanOut(
  ctx: RunContext,
  row: StepRow,
  def: StepDefinition,
  inputs: unknown[],
): Promise<boolean> {
  ctx.moveStep(row, ['RUNNING'], `for_each over ${inputs.length} item(s)`, { started_at: ctx.now });
  if (inputs.length === 0) {
    ctx.moveStep(row, ['COMPLETED'], 'for_each over no items', { output: '[]', finished_at: ctx.now });
    return true;
  }
  for (let at = 0; at < inputs.length; at += 500) {
    const rows = inputs.slice(at, at + 500).map((input, i) => ({
      run_id: ctx.run.id,
      name: row.name,
      parent_id: row.id,
      item_index: at + i,
      status: 'PENDING',
      task_id: row.task_id,
      task_version_id: row.task_version_id,
      input: toJson(input ?? {}),
    }));
    const ids = await ctx.trx.insertInto('workflow_steps').values(rows).returning('id').execute();
    for (const { id } of ids) ctx.transition(Number(id), null, 'PENDING', 'for_each item');
  }
  await topUpItems(ctx, row, def);
  return false;
}

/**
 * Keeps up to max_parallel items of a for_each step queued; completes the step when all are over.
 * The items' counts by state are the store's plus this advance's unflushed moves, so the moves
 * made so far are written with the rest of the advance, not in a write of their own first (a round
 * trip less per advance; on PostgreSQL a for_each advances once per result batch).
 */
export async function topUpItems(ctx: RunContext, parent: StepRow, def: StepDefinition): Promise<void> {
  if (parent.status !== 'RUNNING') return;
  const parentId = Number(parent.id);
  const stored = await ctx.trx
    .selectFrom('workflow_steps')
    .select(['status', sql<number>`count(*)`.as('n')])
    .where('parent_id', '=', parentId)
    .groupBy('status')
    .execute();
  const counts = new Map(stored.map((c) => [c.status, Number(c.n)]));
  const moves = ctx.unflushedItemMoves(parentId);
  for (const { from, to } of moves) {
    counts.set(from, (counts.get(from) ?? 0) - 1);
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  const count = (...states: string[]) => states.reduce((n, state) => n + (counts.get(state) ?? 0), 0);
  const active = count('ENQUEUED', 'RUNNING', 'WAITING_FOR_RETRY');
  const pending = count('PENDING');
  if (count('FAILED') > 0) {
    if (active === 0) {
      await ctx.flush(); // the item that failed last is read with the others
      ctx.moveStep(parent, ['FAILED'], 'an item failed', {
        finished_at: ctx.now,
        error: toJson(await firstItemError(ctx, parent)),
      });
    }
    return;
  }
  const room = Math.min(pending, (def.max_parallel ?? 10) - active);
  if (room > 0) {
    // Items this advance already moved out of PENDING are still PENDING in the store.
    const moved = new Set(moves.filter((m) => m.from === 'PENDING').map((m) => m.id));
    const next = await ctx.trx
      .selectFrom('workflow_steps')
      .selectAll()
      .where('parent_id', '=', parentId)
      .where('status', '=', 'PENDING')
      .orderBy('item_index')
      .limit(room + moved.size)
      .execute();
    for (const item of next.filter((row) => !moved.has(Number(row.id))).slice(0, room))
      ctx.queueAttempt(item, def, fromJson(item.input), 'ENQUEUED', 'a for_each slot is free');
    return;
  }
  if (active === 0 && pending === 0) {
    await ctx.flush(); // the outputs of the items that finished last are read with the others
    const outputs = await ctx.trx
      .selectFrom('workflow_steps')
      .select(['output', 'status'])
      .where('parent_id', '=', parentId)
      .orderBy('item_index')
      .execute();
    const output = outputs.map((o) =>
      o.status === 'COMPLETED' || o.status === 'RESOLVED_MANUALLY' ? fromJson(o.output) : null,
    );
    ctx.moveStep(parent, ['COMPLETED'], 'every item is over', {
      output: toJson(output),
      finished_at: ctx.now,
    });
  }
}

async function firstItemError(ctx: RunContext, parent: StepRow): Promise<unknown> {
  const failed = await ctx.trx
    .selectFrom('workflow_steps')
    .select(['item_index', 'error'])
    .where('parent_id', '=', parent.id)
    .where('status', '=', 'FAILED')
    .orderBy('item_index')
    .executeTakeFirst();
  const error = fromJson<{ type?: string; message?: string }>(failed?.error ?? null);
  return {
    type: error?.type ?? 'Error',
    message: `item ${failed?.item_index ?? '?'} failed: ${error?.message ?? 'unknown error'}`,
    item: failed?.item_index,
  };
}

/** The run's state from its steps; on completion, its output. */
export async function settleRun(ctx: RunContext, reason: string): Promise<void> {
  if (
    ctx.run.status === 'CANCELLED' ||
    ctx.run.status === 'COMPLETED' ||
    ctx.run.status === 'RESOLVED_MANUALLY'
  )
    return;
  // From the rows in memory: what this advance changed is written by the caller's flush, with
  // the run's own move, in one go.
  const steps = [...ctx.steps.values()].map((row) => ({
    state: row.status as StepState,
    blocking: row.status === 'CANCELLED' || ctx.stepDef(row.name).on_failure === 'fail',
  }));
  const next = runStateFrom(steps);
  if (next === 'COMPLETED' || next === 'RESOLVED_MANUALLY') {
    try {
      const output = await withScope(ctx, (scope) =>
        ctx.def.output === undefined
          ? Object.fromEntries(leaves(ctx.def.steps).map((name) => [name, scope.steps[name] ?? null]))
          : evaluateMapping(ctx.def.output, scope),
      );
      ctx.moveRun(next, reason, { output: output ?? null });
    } catch (err) {
      ctx.moveRun('FAILED', 'the output mapping failed', { error: failure(err) });
    }
    return;
  }
  if (next === 'FAILED') {
    const failed = [...ctx.steps.values()].find((r) => r.status === 'FAILED' || r.status === 'CANCELLED');
    const error = fromJson<{ message?: string }>(failed?.error ?? null);
    ctx.moveRun('FAILED', reason, {
      error: {
        type: 'StepFailed',
        step: failed?.name,
        message: `step ${failed?.name} ${failed?.status === 'CANCELLED' ? 'was cancelled' : `failed: ${error?.message ?? 'unknown error'}`}`,
      },
    });
    return;
  }
  ctx.moveRun(next, reason);
}
