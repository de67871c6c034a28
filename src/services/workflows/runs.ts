// Workflow runs as a service: start, status (the DAG with each step's state), list, transitions,
// cancel, retry and resolve. The engine (src/workflows/engine) does the work in transactions;
// this wakes the workers after each commit that queued jobs, and registers the engine's hook on
// the queue so step results advance their runs.
import type { Ratchet } from '../context.ts';
import type { FinishHook } from '../../queue/finish-hooks.ts';
import { advanceFinishedSteps, runsOfSteps } from '../../workflows/engine/finish.ts';
import { startRun } from '../../workflows/engine/start.ts';
import {
  cancelRun,
  resolveStep,
  retryStep,
  type OperationResult,
} from '../../workflows/engine/operations.ts';
import { drawGraph, type GraphFormat } from '../../workflows/graph.ts';
import type { WorkflowDefinition } from '../../workflows/types.ts';
import { NotFoundError } from '../../store/codec.ts';
import type { ListQuery, ListResult } from '../../store/list-query.ts';
import { getWorkflowVersionById } from '../../store/repos/workflows.ts';
import { performance } from 'node:perf_hooks';
import {
  countWorkflowStates,
  getWorkflowRun,
  listWorkflowRuns,
  listWorkflowSteps,
  listWorkflowTransitions,
  type WorkflowRunRecord,
  type WorkflowStepRecord,
  type WorkflowTransitionRecord,
} from '../../store/repos/workflow-runs.ts';
import { getWorkflow } from './definitions.ts';
import { deliverFinishedRun, noteRunEnded } from './delivery.ts';
import { destinationViolations } from '../jobs/enqueue.ts';
import { ValidationError } from '../errors.ts';
import { runEnded } from '../../workflows/states.ts';

export { WorkflowInputError } from '../../workflows/engine/start.ts';
export { IllegalWorkflowTransitionError } from '../../workflows/states.ts';

type AdvanceObserver = (secondsPerStep: number, steps: number) => void;
const observers = new WeakMap<Ratchet, Set<AdvanceObserver>>();

/**
 * Step results advance their runs in the result's transaction. The composition root calls it.
 * Observers (metrics) learn how long each advance took per finished step. A run's advance touches
 * only that run's rows, so the results of different runs may be written side by side (the hook's
 * keys are the steps' runs).
 */
export function enableWorkflows(app: Ratchet): () => void {
  return app.queue.finishHooks.add(advanceHook(app), async (db, jobs) => {
    const runs = await runsOfSteps(
      db,
      jobs.map((j) => j.workflowStepId!),
    );
    // A step gone with its run (deleted meanwhile) has nothing to advance: any key will do.
    return jobs.map((j) => runs.get(j.workflowStepId!) ?? 0);
  });
}

function advanceHook(app: Ratchet): FinishHook {
  return async (trx, finished, opts) => {
    const start = performance.now();
    // The run is failed and says why (its error, its transitions); stderr tells the operator.
    const queued = await advanceFinishedSteps(
      trx,
      finished,
      ({ runId, stepIds, error }) => {
        noteRunEnded(app, runId, stepIds);
        process.stderr.write(
          `warning: workflow run ${runId} failed: the engine could not advance it: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      },
      (runId, stepIds) => noteRunEnded(app, runId, stepIds),
      // Backends with direct dispatch (PostgreSQL): a next step may go straight to an idle thread.
      { ...opts, dispatcher: app.queue.insertClaimed ? app.dispatch.current : undefined },
    );
    const steps = finished.filter((f) => f.job.workflowStepId !== null).length;
    const seconds = (performance.now() - start) / 1000 / Math.max(1, steps);
    for (const fn of observers.get(app) ?? []) fn(seconds, steps);
    return queued;
  };
}

/** Calls fn after each advance of this application's runs (orchestration time per step). */
export function onWorkflowAdvance(app: Ratchet, fn: AdvanceObserver): () => void {
  const set = observers.get(app) ?? new Set<AdvanceObserver>();
  observers.set(app, set);
  set.add(fn);
  return () => set.delete(fn);
}

/** Runs and steps by state. */
export function workflowStateCounts(app: Ratchet) {
  return countWorkflowStates(app.store.db);
}

async function wake(app: Ratchet, enqueued: number): Promise<void> {
  if (enqueued > 0) await app.queue.notifier.notify();
}

export interface StartWorkflowRequest {
  workflow: string;
  version?: string;
  input?: unknown;
  idempotencyKey?: string | null;
  actor?: string;
  /** Where the run's result goes when it ends (webhook, filesystem, stdio), as for a job. */
  outputDestinations?: unknown[] | null;
}

export async function startWorkflow(
  app: Ratchet,
  req: StartWorkflowRequest,
): Promise<WorkflowRunRecord & { created: boolean }> {
  const problems = await destinationViolations(app, req.outputDestinations ?? undefined);
  if (problems.length > 0) throw new ValidationError('invalid workflow run request', problems);
  const version = await getWorkflow(app, req.workflow, req.version);
  const started = await startRun(app.store.db, {
    version,
    input: req.input ?? {},
    idempotencyKey: req.idempotencyKey ?? null,
    actor: req.actor ?? 'api',
    outputDestinations: req.outputDestinations?.length ? req.outputDestinations : null,
    dispatcher: app.queue.insertClaimed ? app.dispatch.current : undefined,
  });
  await wake(app, started.enqueued);
  const run = await getRun(app, started.runId);
  // A run can end as it starts (every step skipped by its `when`).
  afterCommit(app, run);
  return { ...run, created: started.created };
}

/**
 * Delivers the run's result in the background when the commit just made ended it (the status read
 * after the commit says so; a run still going costs nothing here).
 */
function afterCommit(app: Ratchet, run: WorkflowRunRecord): void {
  if (!runEnded(run.status)) return;
  app.jobEvents.track(deliverFinishedRun(app, run.id), `output delivery of workflow run ${run.id}`);
}

export async function getRun(app: Ratchet, ref: string | number): Promise<WorkflowRunRecord> {
  const run = await getWorkflowRun(app.store.db, ref);
  if (!run) throw new NotFoundError(`workflow run ${ref} does not exist`);
  return run;
}

export interface StepStatus {
  name: string;
  task: string;
  dependencies: string[];
  status: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  output: unknown;
  error: unknown;
  jobId: number | null;
  /** for_each steps: each item's state. */
  items?: { index: number; status: string; attempts: number; output: unknown; error: unknown }[];
}

/** A for_each step's items counted by outcome (what status views show instead of every item). */
export function itemCounts(items: readonly { status: string }[]): {
  total: number;
  completed: number;
  failed: number;
} {
  return {
    total: items.length,
    completed: items.filter((i) => i.status === 'COMPLETED').length,
    failed: items.filter((i) => i.status === 'FAILED').length,
  };
}

export interface RunStatus {
  run: WorkflowRunRecord;
  steps: StepStatus[];
}

export async function runStatus(app: Ratchet, ref: string | number): Promise<RunStatus> {
  const run = await getRun(app, ref);
  const def = await definitionOfRun(app, run);
  const rows = await listWorkflowSteps(app.store.db, run.id);
  const items = new Map<number, WorkflowStepRecord[]>();
  for (const r of rows) if (r.parentId !== null) items.set(r.parentId, [...(items.get(r.parentId) ?? []), r]);
  const steps = def.steps.map((s): StepStatus => {
    const row = rows.find((r) => r.name === s.name && r.parentId === null)!;
    const duration =
      row.startedAt && row.finishedAt ? Date.parse(row.finishedAt) - Date.parse(row.startedAt) : null;
    const status: StepStatus = {
      name: s.name,
      task: `${s.task}${s.task_version ? `@${s.task_version}` : ''}`,
      dependencies: s.dependencies,
      status: row.status,
      attempts: row.attempts,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      durationMs: duration,
      output: row.output,
      error: row.error,
      jobId: row.jobId,
    };
    if (s.for_each !== undefined) {
      status.items = (items.get(row.id) ?? []).map((i) => ({
        index: i.itemIndex!,
        status: i.status,
        attempts: i.attempts,
        output: i.output,
        error: i.error,
      }));
    }
    return status;
  });
  return { run, steps };
}

async function definitionOfRun(app: Ratchet, run: WorkflowRunRecord): Promise<WorkflowDefinition> {
  const version = await getWorkflowVersionById(app.store.db, run.workflowVersionId);
  return version!.definition as WorkflowDefinition;
}

/** The run's DAG with each step's state. */
export async function runGraph(
  app: Ratchet,
  ref: string | number,
  format: GraphFormat = 'mermaid',
): Promise<string> {
  const { run, steps } = await runStatus(app, ref);
  const def = await definitionOfRun(app, run);
  return drawGraph(def, format, Object.fromEntries(steps.map((s) => [s.name, s.status])));
}

export function listRuns(app: Ratchet, q: ListQuery = {}): Promise<ListResult<WorkflowRunRecord>> {
  return listWorkflowRuns(app.store.db, q);
}

export async function runTransitions(
  app: Ratchet,
  ref: string | number,
): Promise<WorkflowTransitionRecord[]> {
  const run = await getRun(app, ref);
  return listWorkflowTransitions(app.store.db, run.id);
}

async function operate(app: Ratchet, op: Promise<OperationResult>): Promise<RunStatus> {
  const result = await op;
  await wake(app, result.enqueued);
  if (result.stopping > 0) await app.queue.notifier.notify();
  const status = await runStatus(app, result.runId);
  afterCommit(app, status.run);
  return status;
}

export async function cancelWorkflowRun(
  app: Ratchet,
  ref: string | number,
  actor = 'api',
): Promise<RunStatus> {
  const run = await getRun(app, ref);
  return operate(app, cancelRun(app.store.db, run.id, actor));
}

export async function retryWorkflowStep(
  app: Ratchet,
  ref: string | number,
  step: string,
  actor = 'api',
): Promise<RunStatus> {
  const run = await getRun(app, ref);
  return operate(app, retryStep(app.store.db, run.id, step, actor));
}

export async function resolveWorkflowStep(
  app: Ratchet,
  ref: string | number,
  step: string,
  output: unknown,
  actor = 'api',
): Promise<RunStatus> {
  const run = await getRun(app, ref);
  return operate(app, resolveStep(app.store.db, run.id, step, output, actor));
}
