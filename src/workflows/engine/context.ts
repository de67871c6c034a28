// One advance of one run, inside the caller's transaction: the run row is locked first (an UPDATE,
// so two nodes finishing two steps of one run take turns and the second sees the first's result),
// its top-level steps are loaded, and every change goes through moveStep / moveRun, which check
// the state machine, write the row (guarded by its previous state) and buffer the transition.
// flush() writes the buffered transitions and the new attempts' jobs.
import { sql } from 'kysely';
import { fromJson, toJson, toJsonOrNull, type Db } from '../../store/codec.ts';
import { insertJobs } from '../../store/repos/jobs-bulk.ts';
import { valuesTable } from '../../queue/values-table.ts';
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

export type StepRow = Selectable<WorkflowStepsTable>;

export interface RunRow {
  id: number;
  status: RunState;
  input: unknown;
  workflowVersionId: number;
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
  private readonly transitions: Insertable<WorkflowTransitionsTable>[] = [];
  private readonly attempts: Attempt[] = [];
  /** Jobs queued by this advance: the caller wakes the workers after commit. */
  enqueued = 0;

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

  /** Moves a step along `path` (each hop checked) with one guarded UPDATE. */
  async moveStep(row: StepRow, path: StepState[], reason: string, set: Partial<StepRow> = {}): Promise<void> {
    let from = row.status as StepState;
    const hops: { from: StepState; to: StepState }[] = [];
    for (const to of path) {
      assertStepTransition(this.what(row), from, to);
      hops.push({ from, to });
      from = to;
    }
    const res = await this.trx
      .updateTable('workflow_steps')
      .set({ ...set, status: from })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new Error(`${this.what(row)} changed while it was being advanced`);
    Object.assign(row, set, { status: from });
    for (const h of hops) this.transition(row.id, h.from, h.to, reason);
  }

  async moveRun(
    to: RunState,
    reason: string,
    set: { output?: unknown; error?: unknown } = {},
  ): Promise<void> {
    const from = this.run.status;
    if (from === to) return;
    assertRunTransition(`workflow run ${this.run.id}`, from, to);
    const ends = runEnded(to);
    await this.trx
      .updateTable('workflow_runs')
      .set({
        status: to,
        updated_at: this.now,
        finished_at: ends ? this.now : null,
        ...('output' in set ? { output: toJsonOrNull(set.output) } : {}),
        ...('error' in set ? { error: toJsonOrNull(set.error) } : to === 'RUNNING' ? { error: null } : {}),
      })
      .where('id', '=', this.run.id)
      .execute();
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
    // In memory at once, so this advance never queues the same step twice; the row is written by
    // flush(), together with its job.
    row.status = to;
    this.attempts.push({ row, def, input, runAt: this.now + delayMs, from, to, reason });
  }

  async flush(): Promise<void> {
    if (this.attempts.length > 0) {
      const attempts = this.attempts.splice(0);
      const jobs = await insertJobs(
        this.trx,
        attempts.map((a) => ({
          taskId: Number(a.row.task_id),
          taskVersionId: a.row.task_version_id === null ? null : Number(a.row.task_version_id),
          input: a.input,
          runAt: a.runAt,
          // The workflow retries steps itself (its own policy); the queue runs each attempt once.
          maxRetries: 0,
          timeoutMs: a.def.timeout_ms ?? null,
          workflowStepId: Number(a.row.id),
        })),
      );
      // Every attempt's step row in one statement (a for_each top-up queues dozens at once).
      for (let at = 0; at < attempts.length; at += 500) {
        const rows = attempts
          .slice(at, at + 500)
          .map((a, i) => [Number(a.row.id), a.to, jobs[at + i]!.job.id, toJson(a.input)]);
        await sql`
          update workflow_steps set status = v.column2, job_id = v.column3,
            attempts = workflow_steps.attempts + 1, input = v.column4
          from ${valuesTable(rows, ['bigint', 'text', 'bigint', 'text'])}
          where workflow_steps.id = v.column1`.execute(this.trx);
      }
      for (const [i, a] of attempts.entries()) {
        Object.assign(a.row, {
          status: a.to,
          job_id: jobs[i]!.job.id,
          attempts: a.row.attempts + 1,
          input: toJson(a.input),
        });
        this.transition(Number(a.row.id), a.from, a.to, a.reason);
      }
      this.enqueued += attempts.length;
    }
    if (this.transitions.length > 0) {
      const rows = this.transitions.splice(0);
      for (let at = 0; at < rows.length; at += 500) {
        await this.trx
          .insertInto('workflow_transitions')
          .values(rows.slice(at, at + 500))
          .execute();
      }
    }
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
  // By step: the run is found and locked in one statement (one round trip less per step).
  const run = await trx
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
    ])
    .executeTakeFirst();
  if (!run) return undefined;
  const runId = Number(run.id);
  const steps = await trx
    .selectFrom('workflow_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .where('parent_id', 'is', null)
    .orderBy('id')
    .execute();
  const def = definitionOf(run.definition);
  return new RunContext(
    trx,
    actor,
    {
      id: Number(run.id),
      status: run.status as RunState,
      input: fromJson(run.input),
      workflowVersionId: Number(run.workflow_version_id),
    },
    def,
    steps,
  );
}
