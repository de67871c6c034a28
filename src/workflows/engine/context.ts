// One advance of one run, inside the caller's transaction: the run row is locked first (an UPDATE,
// so two nodes finishing two steps of one run take turns and the second sees the first's result),
// its top-level steps are loaded, and every change goes through moveStep / moveRun / queueAttempt,
// which check the state machine and change the rows in memory. flush() writes them all at once
// (write.ts): each changed step row guarded by the state it was read in, the run row, the new
// attempts' jobs and the transitions.
import { sql } from 'kysely';
import { fromJson, isPostgres, toJson, toJsonOrNull, type Db } from '../../store/codec.ts';
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
import { named } from '../../store/pg-named.ts';
import type { DirectClaim } from '../../queue/direct-dispatch.ts';

export type StepRow = Selectable<WorkflowStepsTable>;

/** Direct dispatch for step jobs (queue/direct-dispatch.ts), with the transaction's end to settle on. */
export interface DirectOffer {
  reserve(): DirectClaim | undefined;
  afterCommit(fn: (committed: boolean) => void): void;
}

export interface RunRow {
  id: number;
  status: RunState;
  input: unknown;
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

  constructor(trx: Db, actor: string, run: RunRow, def: WorkflowDefinition, steps: StepRow[]) {
    this.trx = trx;
    this.now = Date.now();
    this.actor = actor;
    this.run = run;
    this.def = def;
    this.steps = new Map(steps.map((s) => [s.name, s]));
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

// Parsed definitions by their text: a version's text never changes, and keying by text (not by
// id) stays right when one process talks to several databases (tests, benchmarks).
const definitions = new Map<string, WorkflowDefinition>();

function definitionOf(text: string): WorkflowDefinition {
  let def = definitions.get(text);
  if (def) return def;
  def = fromJson<WorkflowDefinition>(text);
  if (definitions.size > 1000) definitions.clear();
  definitions.set(text, def);
  return def;
}

/** Locks the run (see the file's comment) and loads it with its top-level steps. */
export async function openRun(
  trx: Db,
  ref: number | { stepId: number },
  actor: string,
): Promise<RunContext | undefined> {
  const postgres = isPostgres(trx);
  // By step: the run is found and locked in one statement (one round trip less per step).
  const lock = trx
    .updateTable('workflow_runs')
    .set({ updated_at: Date.now() })
    .where((eb) =>
      typeof ref === 'number'
        ? eb('id', '=', ref)
        : eb('id', '=', eb.selectFrom('workflow_steps').select('run_id').where('id', '=', ref.stepId)),
    )
    .returning([
      'id',
      'status',
      'input',
      'workflow_version_id',
      // The definition in the same round trip (a scalar subquery: both engines allow it here).
      sql<string>`(select definition from workflow_versions where workflow_versions.id = workflow_runs.workflow_version_id)`.as(
        'definition',
      ),
      sql<boolean>`output_destinations is not null`.as('delivers'),
      // PostgreSQL: the steps too, read by a VOLATILE function with a snapshot taken after the row
      // lock was granted (migration 012 says why a subquery here would be wrong).
      sql<StepRow[] | null>`${postgres ? sql`ratchet_run_steps(workflow_runs.id)` : sql`null`}`.as('steps'),
    ])
    .compile();
  // Run on every step: prepared once per connection on PostgreSQL (store/pg-named.ts).
  const lockName =
    typeof ref === 'number' ? 'ratchet_workflow_lock_run_v3' : 'ratchet_workflow_lock_step_run_v3';
  const [run] = (await trx.executeQuery(named(lockName, lock))).rows;
  if (!run) return undefined;
  const steps = run.steps ?? (await loadSteps(trx, Number(run.id)));
  const def = definitionOf(run.definition);
  return new RunContext(
    trx,
    actor,
    {
      id: Number(run.id),
      status: run.status as RunState,
      input: fromJson(run.input),
      workflowVersionId: Number(run.workflow_version_id),
      delivers: Boolean(run.delivers),
    },
    def,
    steps,
  );
}

/** SQLite: the run's top-level steps, a statement of their own (in process, microseconds). */
async function loadSteps(trx: Db, runId: number): Promise<StepRow[]> {
  return trx
    .selectFrom('workflow_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .where('parent_id', 'is', null)
    .orderBy('id')
    .execute();
}
