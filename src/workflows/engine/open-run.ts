// The start of every advance: the run row is locked (an UPDATE, so two nodes finishing two steps of
// one run take turns and the second sees the first's result) and read with its definition and its
// top-level steps. Inputs and outputs up to INLINE_BYTES come with them, as one round trip; larger
// ones are left out and read only if the advance needs them (RunContext.load, scope.ts): a run of
// 100 steps returning 200 KB each used to read every output again on every advance (~1 GB).
import { sql, type RawBuilder } from 'kysely';
import { fromJson, isPostgres, type Db } from '../../store/codec.ts';
import { named } from '../../store/pg-named.ts';
import type { RunState } from '../states.ts';
import type { WorkflowDefinition } from '../types.ts';
import { RunContext, type StepRow } from './context.ts';

/** Inputs and outputs larger than this (bytes of JSON) are read when needed, not with the run. */
export const INLINE_BYTES = 16384;

const STEP_COLUMNS = [
  'id',
  'run_id',
  'name',
  'parent_id',
  'item_index',
  'status',
  'task_id',
  'task_version_id',
  'attempts',
  'job_id',
  'error',
  'started_at',
  'finished_at',
] as const;

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

/**
 * Whether a JSON text column is over INLINE_BYTES bytes. octet_length on both engines: SQLite's
 * length() counts characters, reading the whole value (~14 ms for 100 rows of 200 KB), while the
 * byte length is in the record's header.
 */
function large(column: string): RawBuilder<boolean> {
  return sql<boolean>`coalesce(octet_length(${sql.ref(column)}) > ${sql.lit(INLINE_BYTES)}, false)`;
}

/** The column when small, else null (with `large` saying which). */
function inline(column: string): RawBuilder<string | null> {
  return sql<string | null>`case when ${large(column)} then null else ${sql.ref(column)} end`;
}

/** Locks the run and loads it with its top-level steps; undefined when there is no such run. */
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
      'workflow_version_id',
      inline('input').as('input'),
      large('input').as('input_large'),
      // The definition in the same round trip (a scalar subquery: both engines allow it here).
      sql<string>`(select definition from workflow_versions where workflow_versions.id = workflow_runs.workflow_version_id)`.as(
        'definition',
      ),
      sql<boolean>`output_destinations is not null`.as('delivers'),
      // PostgreSQL: the steps too, read by a VOLATILE function with a snapshot taken after the row
      // lock was granted (migration 012 says why a subquery here would be wrong; 014's leaves out
      // inputs and outputs over INLINE_BYTES, as loadSteps does).
      sql<
        StoredStep[] | null
      >`${postgres ? sql`ratchet_run_step_states(workflow_runs.id, ${sql.lit(INLINE_BYTES)})` : sql`null`}`.as(
        'steps',
      ),
    ])
    .compile();
  // Run on every step: prepared once per connection on PostgreSQL (store/pg-named.ts).
  const lockName =
    typeof ref === 'number' ? 'ratchet_workflow_lock_run_v4' : 'ratchet_workflow_lock_step_run_v4';
  const [run] = (await trx.executeQuery(named(lockName, lock))).rows;
  if (!run) return undefined;
  const steps = withoutLarge(run.steps ?? (await loadSteps(trx, Number(run.id))));
  return new RunContext(
    trx,
    actor,
    {
      id: Number(run.id),
      status: run.status as RunState,
      workflowVersionId: Number(run.workflow_version_id),
      delivers: Boolean(run.delivers),
    },
    definitionOf(run.definition),
    steps,
    run.input_large ? undefined : { value: fromJson(run.input) },
  );
}

/** A top-level step as read: a large input or output is null, with its flag set. */
type StoredStep = StepRow & { input_large: unknown; output_large: unknown };

/** SQLite: the run's top-level steps, a statement of their own (in process, microseconds). */
function loadSteps(trx: Db, runId: number): Promise<StoredStep[]> {
  return trx
    .selectFrom('workflow_steps')
    .select(STEP_COLUMNS)
    .select([
      inline('input').as('input'),
      large('input').as('input_large'),
      inline('output').as('output'),
      large('output').as('output_large'),
    ])
    .where('run_id', '=', runId)
    .where('parent_id', 'is', null)
    .orderBy('id')
    .execute();
}

/** The steps with their large inputs and outputs undefined: not read (see StepRow). */
function withoutLarge(rows: StoredStep[]): StepRow[] {
  return rows.map(({ input_large, output_large, input, output, ...row }) => ({
    ...row,
    ...(input_large ? {} : { input }),
    ...(output_large ? {} : { output }),
  }));
}
