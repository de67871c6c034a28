// Starting a run: the input is checked against the definition's input schema, each step's task is
// resolved (a missing, deleted or disabled task refuses the start, naming the step), and in one
// transaction the run, its steps and the first steps' jobs are written. An idempotency key
// already used returns that run instead.
import { randomUUID } from 'node:crypto';
import { fromJson, inTransaction, toJson, type Db } from '../../store/codec.ts';
import { getTask, getTaskVersion } from '../../store/repos/tasks.ts';
import { compileSchema, validateWith } from '../../tasks/schema.ts';
import type { WorkflowVersionRecord } from '../../store/repos/workflows.ts';
import type { StepDefinition, WorkflowDefinition } from '../types.ts';
import { RunContext, type DirectOffer } from './context.ts';
import type { DirectDispatcher } from '../../queue/direct-dispatch.ts';
import { scheduleReady, settleRun } from './schedule.ts';

export class WorkflowInputError extends Error {
  /** Where the input breaks the input schema (JSON paths), when that is the problem. */
  readonly violations: { path: string; message: string }[];
  constructor(message: string, violations: { path: string; message: string }[] = []) {
    super(message);
    this.name = 'WorkflowInputError';
    this.violations = violations;
  }
}

export interface StartRunInput {
  version: WorkflowVersionRecord;
  input: unknown;
  idempotencyKey?: string | null;
  actor?: string;
  /** Checked by the caller (services/jobs destinationViolations); stored with the run. */
  outputDestinations?: unknown[] | null;
  /** Direct dispatch (PostgreSQL): the local worker's offer of idle threads. */
  dispatcher?: DirectDispatcher;
}

export interface StartedRun {
  runId: number;
  uuid: string;
  created: boolean;
  /** Jobs queued: the caller wakes the workers. */
  enqueued: number;
}

// Compiled input schemas by their text (see context.ts on keying by text).
const schemas = new Map<string, ReturnType<typeof compileSchema>>();

export function checkRunInput(version: WorkflowVersionRecord, input: unknown): void {
  const def = version.definition as WorkflowDefinition;
  if (!def.input_schema) return;
  const key = JSON.stringify(def.input_schema);
  let validator = schemas.get(key);
  if (!validator) {
    validator = compileSchema(def.input_schema, `workflow ${def.name}@${def.version} input_schema`);
    if (schemas.size > 1000) schemas.clear();
    schemas.set(key, validator);
  }
  const violations = validateWith(validator, input);
  if (violations.length > 0) {
    const listed = violations.slice(0, 10).map((v) => `${v.path} ${v.message}`);
    throw new WorkflowInputError(
      `input of workflow ${def.name} does not match its input_schema: ${listed.join('; ')}`,
      violations.map((v) => ({ path: v.path, message: v.message })),
    );
  }
}

/** Why a step's task cannot run, or its ids. */
export async function resolveStepTask(
  db: Db,
  step: Pick<StepDefinition, 'task' | 'task_version'>,
): Promise<{ taskId: number; taskVersionId: number | null } | { problem: string }> {
  const task = await getTask(db, step.task);
  if (!task) return { problem: `task "${step.task}" does not exist` };
  if (!task.enabled) return { problem: `task "${step.task}" is disabled` };
  if (step.task_version === undefined) {
    // tasks.latest_version_id is the highest enabled version, kept current by every change
    // (task-versions.ts), and the claim runs it: no second query.
    return task.latestVersionId !== null
      ? { taskId: task.id, taskVersionId: null }
      : { problem: `task "${step.task}" has no enabled version` };
  }
  const version = await getTaskVersion(db, task.id, step.task_version);
  if (!version) return { problem: `task "${step.task}" has no version ${step.task_version}` };
  if (!version.enabled) return { problem: `task "${step.task}" version ${step.task_version} is disabled` };
  return { taskId: task.id, taskVersionId: version.id };
}

export async function startRun(db: Db, req: StartRunInput): Promise<StartedRun> {
  const def = req.version.definition as WorkflowDefinition;
  checkRunInput(req.version, req.input);
  const tasks: { taskId: number; taskVersionId: number | null }[] = [];
  // Steps often share a task: each task (and pinned version) is looked up once per start.
  const lookups = new Map<string, ReturnType<typeof resolveStepTask>>();
  for (const step of def.steps) {
    const key = `${step.task}@${step.task_version ?? ''}`;
    if (!lookups.has(key)) lookups.set(key, resolveStepTask(db, step));
    const resolved = await lookups.get(key)!;
    if ('problem' in resolved)
      throw new WorkflowInputError(`workflow ${def.name}: step "${step.name}": ${resolved.problem}`);
    tasks.push(resolved);
  }
  const dispatcher = req.dispatcher;
  if (!dispatcher) return insertRun(db, req, def, tasks);
  // The first steps may go straight to idle local threads (queue/direct-dispatch.ts), each handed
  // over once the transaction commits.
  const after: ((committed: boolean) => void)[] = [];
  const direct = {
    reserve: () => dispatcher.reserve(),
    afterCommit: (fn: (c: boolean) => void) => after.push(fn),
  };
  try {
    const started = await insertRun(db, req, def, tasks, direct);
    for (const fn of after) fn(true);
    return started;
  } catch (err) {
    for (const fn of after) fn(false);
    // Nothing was claimed: the failure is the start's own. Otherwise once more through the queue
    // (a job that could not be inserted claimed); a real problem fails that try too.
    if (after.length === 0) throw err;
    return insertRun(db, req, def, tasks);
  }
}

async function insertRun(
  db: Db,
  req: StartRunInput,
  def: WorkflowDefinition,
  tasks: readonly { taskId: number; taskVersionId: number | null }[],
  direct?: DirectOffer,
): Promise<StartedRun> {
  return inTransaction(db, async (trx) => {
    const now = Date.now();
    const key = req.idempotencyKey ?? null;
    const inputText = toJson(req.input ?? {});
    const inserted = await trx
      .insertInto('workflow_runs')
      .values({
        uuid: randomUUID(),
        workflow_id: req.version.workflowId,
        workflow_version_id: req.version.id,
        status: 'PENDING',
        input: inputText,
        output: null,
        error: null,
        idempotency_key: key,
        output_destinations: req.outputDestinations ? toJson(req.outputDestinations) : null,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning(['id', 'uuid'])
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx
        .selectFrom('workflow_runs')
        .select(['id', 'uuid'])
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
      return { runId: Number(existing.id), uuid: existing.uuid, created: false, enqueued: 0 };
    }
    const runId = Number(inserted.id);
    const steps = await trx
      .insertInto('workflow_steps')
      .values(
        def.steps.map((s, i) => ({
          run_id: runId,
          name: s.name,
          parent_id: null,
          item_index: null,
          status: 'PENDING',
          task_id: tasks[i]!.taskId,
          task_version_id: tasks[i]!.taskVersionId,
        })),
      )
      .returningAll()
      .execute();
    // The run is this transaction's own (no other can see it yet): no lock, no reload.
    const ctx = new RunContext(
      trx,
      req.actor ?? 'engine',
      {
        id: runId,
        status: 'PENDING',
        workflowVersionId: req.version.id,
        delivers: Boolean(req.outputDestinations),
      },
      def,
      steps.sort((a, b) => Number(a.id) - Number(b.id)),
      // The input as stored (and as every later advance reads it back).
      { value: fromJson(inputText) },
    );
    ctx.transition(null, null, 'PENDING', 'run created');
    for (const row of ctx.steps.values()) ctx.transition(Number(row.id), null, 'PENDING', 'run created');
    ctx.moveRun('RUNNING', 'run started');
    ctx.direct = direct;
    await scheduleReady(ctx);
    await settleRun(ctx, 'run started');
    await ctx.flush();
    return { runId, uuid: inserted.uuid, created: true, enqueued: ctx.enqueued };
  });
}
