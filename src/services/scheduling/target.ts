// What a schedule runs: a task (each tick queues a job) or a workflow (each tick starts a run of
// its latest version). Resolving and checking the target, and firing it, live here so the cron
// tick and a manual trigger do exactly the same thing.
import type { Ratchet } from '../context.ts';
import { NotFoundError } from '../../store/codec.ts';
import type { JobRecord } from '../../store/repos/jobs.ts';
import type { ScheduleRecord } from '../../store/repos/schedules.ts';
import { getWorkflowName, getWorkflowVersion } from '../../store/repos/workflows.ts';
import type { WorkflowRunRecord } from '../../store/repos/workflow-runs.ts';
import { compileSchema } from '../../tasks/schema.ts';
import { resolveTaskPackage } from '../../tasks/stored-versions.ts';
import { checkRunInput, WorkflowInputError } from '../../workflows/engine/start.ts';
import { ValidationError } from '../errors.ts';
import { enqueueJob } from '../jobs/index.ts';
import { checkInputLimits } from '../limits.ts';
import { splitSecretInput, type SplitInput } from '../secret-input.ts';
import { startWorkflow } from '../workflows/runs.ts';
import { scheduleRunInput } from '../../store/repos/schedules.ts';
import { WRITE_ONLY_MASK } from '../../redaction/index.ts';
import type { Db } from '../../store/codec.ts';

/** Exactly one of task (id, UUID or name) and workflow (name). */
export interface ScheduleTargetRef {
  task?: string | number;
  workflow?: string;
}

export interface ResolvedTarget {
  taskId: number | null;
  workflowId: number | null;
  split: SplitInput;
}

/** Resolves the target and checks the input against its input schema; ValidationError otherwise. */
export async function resolveScheduleTarget(
  app: Ratchet,
  ref: ScheduleTargetRef,
  input: unknown,
): Promise<ResolvedTarget> {
  if ((ref.task === undefined) === (ref.workflow === undefined)) {
    throw new ValidationError('invalid schedule', [
      { path: '$.task', message: 'give exactly one of task and workflow' },
    ]);
  }
  checkInputLimits(app.config, input, 'schedule input');
  if (ref.workflow !== undefined) return resolveWorkflow(app, ref.workflow, input);
  const { task: t, pkg } = await resolveTaskPackage(app.store.db, ref.task!);
  if (app.config.execution.validate_schemas && pkg.inputSchema !== undefined) {
    const violations = compileSchema(pkg.inputSchema, 'input.schema.json').validate(input ?? {});
    if (violations.length > 0) {
      throw new ValidationError(
        `schedule input does not match the input schema of task "${t.name}"`,
        violations.map(({ path, message }) => ({ path: path.replace(/^\$/, '$.input'), message })),
      );
    }
  }
  const what = `schedule input of task "${t.name}"`;
  return {
    taskId: t.id,
    workflowId: null,
    split: splitSecretInput(pkg.inputSchema, input ?? {}, what, '$.input'),
  };
}

async function resolveWorkflow(app: Ratchet, name: string, input: unknown): Promise<ResolvedTarget> {
  const version = await getWorkflowVersion(app.store.db, name);
  if (!version) throw new NotFoundError(`workflow ${name} does not exist`);
  try {
    checkRunInput(version, input ?? {});
  } catch (err) {
    if (!(err instanceof WorkflowInputError)) throw err;
    throw new ValidationError(
      `schedule input does not match the input schema of workflow "${name}"`,
      err.violations.map(({ path, message }) => ({ path: path.replace(/^\$/, '$.input'), message })),
    );
  }
  return { taskId: null, workflowId: version.workflowId, split: { shown: input ?? {} } };
}

/** The name of a workflow schedule's workflow (`#id` if it is gone). */
export async function scheduleWorkflowName(app: Ratchet, workflowId: number): Promise<string> {
  return (await getWorkflowName(app.store.db, workflowId)) ?? `#${workflowId}`;
}

/** A stored schedule's target as a reference (a workflow by its name); NotFoundError when it is gone. */
export async function scheduleTarget(app: Ratchet, s: ScheduleRecord): Promise<ScheduleTargetRef> {
  if (s.taskId !== null) return { task: s.taskId };
  const name = await getWorkflowName(app.store.db, s.workflowId!);
  if (name === undefined) throw new NotFoundError(`the workflow of schedule ${s.name} no longer exists`);
  return { workflow: name };
}

/** A schedule's target as people name it: `task adder` or `workflow order-fulfilment`. */
export async function scheduleTargetName(app: Ratchet, s: ScheduleRecord): Promise<string> {
  if (s.workflowId !== null) return `workflow ${await scheduleWorkflowName(app, s.workflowId)}`;
  const { task } = await resolveTaskPackage(app.store.db, s.taskId!).catch(() => ({ task: undefined }));
  return `task ${task?.name ?? s.taskId}`;
}

export type Fired =
  | { kind: 'job'; job: JobRecord; created: boolean }
  | { kind: 'run'; run: WorkflowRunRecord; created: boolean };

/** Runs the schedule's target once: queues its task's job or starts its workflow's run. */
export async function fireSchedule(app: Ratchet, s: ScheduleRecord, idempotencyKey?: string): Promise<Fired> {
  const input = await scheduleInputToRun(app.store.db, s);
  const target = await scheduleTarget(app, s);
  if (target.workflow !== undefined) {
    const run = await startWorkflow(app, {
      workflow: target.workflow,
      input,
      idempotencyKey: idempotencyKey ?? null,
      actor: `schedule ${s.name}`,
      outputDestinations: s.outputDestinations,
    });
    return { kind: 'run', run, created: run.created };
  }
  const { job, created } = await enqueueJob(app, {
    task: target.task!,
    input,
    outputDestinations: s.outputDestinations ?? undefined,
    scheduleId: s.id,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  return { kind: 'job', job, created };
}

/** What a schedule's job runs: the real input, kept apart when writeOnly fields are masked (005). */
export async function scheduleInputToRun(db: Db, s: ScheduleRecord): Promise<unknown> {
  // Only an input showing the mask can have a secret counterpart; the others skip the lookup.
  if (!JSON.stringify(s.input ?? null).includes(WRITE_ONLY_MASK)) return s.input;
  return scheduleRunInput(db, s.id);
}
