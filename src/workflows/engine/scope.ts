// The scope an advance evaluates expressions over ({ workflow, steps }), with the step outputs read
// from the store only when an expression touches them. An advance used to read every top-level
// step's output on every advance: a run of 100 steps that return 200 KB each read and parsed
// ~1 GB over its life (40 s on PostgreSQL). Now `steps` is a view that notes each finished step
// whose output an evaluation reads but that is not loaded yet; those are read in one statement and
// the evaluation runs again (expressions have no side effects, so a first pass that saw undefined
// there leaves nothing behind). A wildcard or `$keys(steps)` reads every finished step, as before.
import { fromJson } from '../../store/codec.ts';
import type { ExpressionContext } from '../expressions.ts';
import { STEP_DONE, type StepState } from '../states.ts';
import type { RunContext, StepRow } from './context.ts';

/** Whether the step's output is what its dependents see (skipped and failed-but-continued: null). */
function hasOutput(row: StepRow): boolean {
  return row.status === 'COMPLETED' || row.status === 'RESOLVED_MANUALLY';
}

/**
 * Runs `evaluate` over the run's scope until it has read no output that was not loaded (at most
 * twice: the outputs it missed are loaded before the second pass). What it throws counts only
 * from a pass that missed nothing.
 */
export async function withScope<T>(
  ctx: RunContext,
  evaluate: (scope: ExpressionContext) => Promise<T> | T,
): Promise<T> {
  const workflow = await ctx.workflowInput();
  for (;;) {
    const missed = new Set<StepRow>();
    const scope: ExpressionContext = { workflow, steps: outputsView(ctx, missed) };
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await evaluate(scope) };
    } catch (error) {
      outcome = { error };
    }
    if (missed.size === 0) {
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    }
    await ctx.load([...missed], 'output');
  }
}

/** `steps` as expressions see it: each finished step by name, its output parsed when first read. */
function outputsView(ctx: RunContext, missed: Set<StepRow>): Record<string, unknown> {
  const done = new Map<string, StepRow>();
  for (const [name, row] of ctx.steps) if (STEP_DONE.includes(row.status as StepState)) done.set(name, row);
  const parsed = new Map<StepRow, unknown>();
  const value = (name: string | symbol): unknown => {
    const row = typeof name === 'string' ? done.get(name) : undefined;
    if (!row || !hasOutput(row)) return row ? null : undefined;
    if (row.output === undefined) {
      missed.add(row);
      return undefined;
    }
    if (!parsed.has(row)) parsed.set(row, fromJson(row.output));
    return parsed.get(row);
  };
  const own = (name: string | symbol): boolean => typeof name === 'string' && done.has(name);
  return new Proxy<Record<string, unknown>>(
    {},
    {
      // Other names read as from a plain object (its prototype's members included), as before.
      get: (target, name) => (own(name) ? value(name) : Reflect.get(target, name)),
      has: (target, name) => own(name) || Reflect.has(target, name),
      ownKeys: () => [...done.keys()],
      getOwnPropertyDescriptor: (_target, name) =>
        own(name) ? { value: value(name), enumerable: true, configurable: true, writable: false } : undefined,
    },
  );
}
