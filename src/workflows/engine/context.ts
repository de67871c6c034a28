// One advance of one run, inside the caller's transaction, opened by open-run.ts (the run locked,
// its top-level steps loaded, inputs and outputs over a size read only when needed: see load()).
// Every change goes through moveStep / moveRun / queueAttempt, which check the state machine and
// change the rows in memory. flush() writes them all at once (write.ts): each changed step row
// guarded by the state it was read in, the run row, the new attempts' jobs and the transitions.
import { fromJson, toJson, toJsonOrNull, type Db } from '../../store/codec.ts';
import type { WorkflowStepsTable, WorkflowTransitionsTable } from '../../store/schema.ts';
import type { Insertable, Selectable } from 'kysely';
import {
  assertRunTransition,
  assertStepTransition,
  runEnded,
  type RunState,
  type StepState,
} from '../states.ts';
import type { StepDefinition, WorkflowDefinition } from '../types.ts';
import { writeAdvance, type RunWrite } from './write.ts';
import { inIds } from '../../store/id-list.ts';
import type { DirectClaim } from '../../queue/direct-dispatch.ts';

/**
 * A step row as an advance holds it. `input` and `output` are undefined until read (load()): the
 * top-level steps are loaded without the large ones, since a run of many steps with large outputs
 * would otherwise read every output again on every advance. Undefined also means "unchanged" to
 * the write (write.ts), so a value never read is never written back.
 */
export type StepRow = Omit<Selectable<WorkflowStepsTable>, 'input' | 'output'> & {
  input?: string | null;
  output?: string | null;
};

/** Direct dispatch for step jobs (queue/direct-dispatch.ts), with the transaction's end to settle on. */
export interface DirectOffer {
  reserve(): DirectClaim | undefined;
  afterCommit(fn: (committed: boolean) => void): void;
}

export interface RunRow {
  id: number;
  status: RunState;
  workflowVersionId: number;
  /** The run has output destinations to deliver to when it ends. */
  delivers: boolean;
}

interface Attempt {
  row: StepRow;
  def: StepDefinition;
  input: unknown;
  runAt: number;
  from: StepState;
  to: StepState;
  reason: string;
}

export class RunContext {
  readonly trx: Db;
  readonly now: number;
  readonly actor: string;
  readonly run: RunRow;
  readonly def: WorkflowDefinition;
  /** Top-level steps by name (for_each items are loaded when needed). */
  readonly steps: Map<string, StepRow>;
  private transitions: Insertable<WorkflowTransitionsTable>[] = [];
  private attempts: Attempt[] = [];
  /** Step rows changed since the last flush, with the state each had when read. */
  private changed = new Map<StepRow, string>();
  private runWrite?: RunWrite;
  /** Jobs queued by this advance: the caller wakes the workers after commit. */
  enqueued = 0;
  /** Where a due attempt may go straight to an idle local thread (finish.ts sets it). */
  direct?: DirectOffer;
  /** The run's input, once read (only advances that evaluate expressions need it). */
  private input?: { value: unknown };

  constructor(
    trx: Db,
    actor: string,
    run: RunRow,
    def: WorkflowDefinition,
    steps: StepRow[],
    input?: { value: unknown },
  ) {
    this.trx = trx;
    this.now = Date.now();
    this.actor = actor;
    this.run = run;
    this.def = def;
    this.steps = new Map(steps.map((s) => [s.name, s]));
    if (input) this.input = input;
  }

  /** The run's input as stored (read once per advance, when first asked for). */
  async workflowInput(): Promise<unknown> {
    if (!this.input) {
      const row = await this.trx
        .selectFrom('workflow_runs')
        .select('input')
        .where('id', '=', this.run.id)
        .executeTakeFirstOrThrow();
      this.input = { value: fromJson(row.input) };
    }
    return this.input.value;
  }

  /** Reads `column` of the rows that do not have it yet, in one statement. */
  async load(rows: readonly StepRow[], column: 'input' | 'output'): Promise<void> {
    const missing = rows.filter((r) => r[column] === undefined);
    if (missing.length === 0) return;
    const read = await this.trx
      .selectFrom('workflow_steps')
      .select(['id', column])
      .where(inIds(this.trx, 'id', [...new Set(missing.map((r) => Number(r.id)))]))
      .execute();
    const values = new Map(read.map((r) => [Number(r.id), r[column]]));
    for (const row of missing) row[column] = values.get(Number(row.id)) ?? null;
  }

  /** The step's stored input (JSON text), null when it was never computed. */
  async inputOf(row: StepRow): Promise<string | null> {
    await this.load([row], 'input');
    return row.input ?? null;
  }

  stepDef(name: string): StepDefinition {
    const def = this.def.steps.find((s) => s.name === name);
    if (!def) throw new Error(`workflow ${this.def.name} has no step ${name}`);
    return def;
  }

  what(row: StepRow): string {
    return `step ${row.name}${row.item_index === null ? '' : `[${row.item_index}]`} of workflow run ${this.run.id}`;
  }

  /** Moves a step along `path` (each hop checked); written by the next flush. */
  moveStep(row: StepRow, path: StepState[], reason: string, set: Partial<StepRow> = {}): void {
    let from = row.status as StepState;
    const hops: { from: StepState; to: StepState }[] = [];
    for (const to of path) {
      assertStepTransition(this.what(row), from, to);
      hops.push({ from, to });
      from = to;
    }
    this.touch(row);
    Object.assign(row, set, { status: from });
    for (const h of hops) this.transition(row.id, h.from, h.to, reason);
  }

  /** Marks a row changed, remembering the state it was read in (the first time only). */
  private touch(row: StepRow): void {
    if (!this.changed.has(row)) this.changed.set(row, row.status);
  }

  /** The moves of a for_each step's items made since the last flush (the store does not have them yet). */
  unflushedItemMoves(parentId: number): { from: string; to: string; id: number }[] {
    return [...this.changed]
      .filter(([row]) => row.parent_id !== null && Number(row.parent_id) === parentId)
      .map(([row, from]) => ({ from, to: row.status, id: Number(row.id) }));
  }

  /** Moves the run; written by the next flush. */
  moveRun(to: RunState, reason: string, set: { output?: unknown; error?: unknown } = {}): void {
    const from = this.run.status;
    if (from === to) return;
    assertRunTransition(`workflow run ${this.run.id}`, from, to);
    const ends = runEnded(to);
    const write: RunWrite = {
      ...this.runWrite,
      status: to,
      updated_at: this.now,
      finished_at: ends ? this.now : null,
    };
    if ('output' in set) write.output = toJsonOrNull(set.output);
    if ('error' in set) write.error = toJsonOrNull(set.error);
    else if (to === 'RUNNING') write.error = null;
    this.runWrite = write;
    this.run.status = to;
    this.transition(null, from, to, reason);
  }

  transition(stepId: number | null, from: string | null, to: string, reason: string): void {
    this.transitions.push({
      run_id: this.run.id,
      step_id: stepId,
      from_status: from,
      to_status: to,
      reason,
      actor: this.actor,
      at: this.now,
    });
  }

  /** Queues an attempt of a step (its job is inserted by flush()). */
  queueAttempt(
    row: StepRow,
    def: StepDefinition,
    input: unknown,
    to: StepState,
    reason: string,
    delayMs = 0,
  ): void {
    const from = row.status as StepState;
    assertStepTransition(this.what(row), from, to);
    // In memory at once, so this advance never queues the same step twice.
    this.touch(row);
    Object.assign(row, { status: to, attempts: row.attempts + 1, input: toJson(input) });
    this.attempts.push({ row, def, input, runAt: this.now + delayMs, from, to, reason });
  }

  /**
   * Reservations for the due attempts while the local worker has idle threads (one per attempt,
   * undefined for the rest). Each is settled once the transaction ends: with its job after a
   * commit, empty after a rollback.
   */
  private reserve(attempts: readonly Attempt[]): (DirectClaim | undefined)[] {
    const out: (DirectClaim | undefined)[] = [];
    let open = this.direct !== undefined;
    for (const a of attempts) {
      const due = a.runAt <= this.now;
      const claim = open && due ? this.direct!.reserve() : undefined;
      // No idle thread left: the rest go through the queue.
      if (due && !claim) open = false;
      if (claim) this.direct!.afterCommit((committed) => committed || claim.settle());
      out.push(claim);
    }
    return out;
  }

  /** Writes what changed since the last flush; throws when a step row changed under the advance. */
  async flush(): Promise<void> {
    if (this.changed.size === 0 && this.runWrite === undefined && this.transitions.length === 0) return;
    const attempts = this.attempts;
    // The attempts' transitions follow the moves made before them, as they always have.
    for (const a of attempts) this.transition(Number(a.row.id), a.from, a.to, a.reason);
    const steps = [...this.changed].map(([row, expected]) => ({ row, expected }));
    const claims = this.reserve(attempts);
    const outcome = await writeAdvance(this.trx, {
      runId: this.run.id,
      steps,
      jobs: attempts.map((a, i) => ({
        stepId: Number(a.row.id),
        ...(claims[i] ? { claim: claims[i] } : {}),
        input: {
          taskId: Number(a.row.task_id),
          taskVersionId: a.row.task_version_id === null ? null : Number(a.row.task_version_id),
          input: a.input,
          runAt: a.runAt,
          // The workflow retries steps itself (its own policy); the queue runs each attempt once.
          maxRetries: 0,
          timeoutMs: a.def.timeout_ms ?? null,
          workflowStepId: Number(a.row.id),
        },
      })),
      ...(this.runWrite ? { run: this.runWrite } : {}),
      transitions: this.transitions,
    });
    if (outcome.unmoved.length > 0)
      throw new Error(`${this.what(outcome.unmoved[0]!)} changed while it was being advanced`);
    for (const a of attempts) a.row.job_id = outcome.jobIds.get(Number(a.row.id)) ?? null;
    for (const [i, claim] of claims.entries()) {
      if (!claim) continue;
      const claimed = outcome.claimed.get(Number(attempts[i]!.row.id));
      // Not inserted claimed (its task has no version to run): the caller rolls back and writes
      // again guarded, where nothing is claimed and the queue decides.
      if (!claimed) throw new Error(`${this.what(attempts[i]!.row)}: its job could not be claimed directly`);
      this.direct!.afterCommit((committed) => claim.settle(committed ? claimed : undefined));
    }
    this.enqueued += claims.filter((c) => !c).length;
    this.attempts = [];
    this.changed = new Map();
    this.runWrite = undefined;
    this.transitions = [];
  }
}
