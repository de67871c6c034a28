// A run whose advance throws (a defect, a definition the engine cannot evaluate, a row changed
// under it) must not hold the job's result hostage: without this, the result transaction would
// roll back, the writer would retry it forever and the job would stay PROCESSING. Each run's
// advance runs inside a savepoint; when it throws, the savepoint is rolled back, the run and the
// steps whose jobs just ended are marked FAILED with the engine's error (so `workflow retry`
// works), and the job's own result commits as usual. A failing database is not the engine's
// fault: when the rollback itself fails, the error goes up and the whole result is retried.
import { sql } from 'kysely';
import { toJson, type Db } from '../../store/codec.ts';

export interface EngineFailure {
  runId: number;
  stepIds: readonly number[];
  error: unknown;
}

/** Runs fn in a savepoint; on failure marks the run failed (see above) and returns 0 jobs queued. */
export async function guardAdvance(
  trx: Db,
  target: { runId?: number; stepIds: readonly number[] },
  fn: () => Promise<number>,
  onFailure: (f: EngineFailure) => void = () => {},
): Promise<number> {
  await sql`savepoint workflow_advance`.execute(trx);
  try {
    // Not released on success: the commit releases it, and a release would cost a round trip per
    // step. Several runs in one batch nest savepoints of one name; a rollback names the newest.
    return await fn();
  } catch (error) {
    await sql`rollback to savepoint workflow_advance`.execute(trx);
    await sql`release savepoint workflow_advance`.execute(trx);
    const runId = target.runId ?? (await runOfStep(trx, target.stepIds[0]!));
    if (runId === undefined) throw error;
    await failRun(trx, runId, target.stepIds, error);
    onFailure({ runId, stepIds: target.stepIds, error });
    return 0;
  }
}

async function runOfStep(trx: Db, stepId: number): Promise<number | undefined> {
  const row = await trx
    .selectFrom('workflow_steps')
    .select('run_id')
    .where('id', '=', stepId)
    .executeTakeFirst();
  return row ? Number(row.run_id) : undefined;
}

const OPEN_RUN = ['PENDING', 'RUNNING', 'WAITING_FOR_RETRY', 'BLOCKED_BY_FAILURES'];
const OPEN_STEP = ['ENQUEUED', 'RUNNING', 'WAITING_FOR_RETRY'];

async function failRun(trx: Db, runId: number, stepIds: readonly number[], err: unknown): Promise<void> {
  const now = Date.now();
  const message = err instanceof Error ? err.message : String(err);
  const error = toJson({
    type: 'EngineError',
    message: `the workflow engine could not advance the run: ${message}`,
  });
  const reason = `engine error: ${message.slice(0, 500)}`;
  const steps = await trx
    .updateTable('workflow_steps')
    .set({ status: 'FAILED', error, finished_at: now })
    .where('id', 'in', stepIds)
    .where('status', 'in', OPEN_STEP)
    .returning(['id', 'status'])
    .execute();
  const run = await trx
    .updateTable('workflow_runs')
    .set({ status: 'FAILED', error, updated_at: now, finished_at: now })
    .where('id', '=', runId)
    .where('status', 'in', OPEN_RUN)
    .returning('id')
    .execute();
  const transitions = [
    ...steps.map((s) => ({ step_id: Number(s.id), to_status: 'FAILED' })),
    ...run.map(() => ({ step_id: null, to_status: 'FAILED' })),
  ];
  if (transitions.length === 0) return;
  await trx
    .insertInto('workflow_transitions')
    .values(
      transitions.map((t) => ({ ...t, run_id: runId, from_status: null, reason, actor: 'engine', at: now })),
    )
    .execute();
}
