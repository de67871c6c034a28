// Named results an agent keeps for later analysis (a run's output, a comparison, notes), stored in
// the `results` table. Storing under an existing name adds a newer entry; reading returns newest
// first, so the history of a name stays available.
import type { Ratchet } from './context.ts';
import { getResult, insertResult, listResults, type ResultRecord } from '../store/repos/results.ts';
import { ValidationError } from './errors.ts';
import { getExecutionRecord } from './executions.ts';
import { requireTask } from './task-ref.ts';

export type { ResultRecord } from '../store/repos/results.ts';

/** Serialised data above this is refused: results are for analysis, not bulk storage. */
export const RESULT_MAX_BYTES = 1024 * 1024;

export interface StoreResultRequest {
  name: string;
  data: unknown;
  /** Task (id, UUID or name) the result is about. */
  task?: string | number;
  executionId?: number;
  tags?: string[];
}

export async function storeResult(
  app: Ratchet,
  req: StoreResultRequest,
  createdBy: string | null,
): Promise<ResultRecord> {
  const size = Buffer.byteLength(JSON.stringify(req.data === undefined ? null : req.data));
  if (size > RESULT_MAX_BYTES) {
    throw new ValidationError('result too large', [
      { path: '$.data', message: `is ${size} bytes as JSON; the limit is ${RESULT_MAX_BYTES} bytes` },
    ]);
  }
  const taskId = req.task === undefined ? null : (await requireTask(app, req.task)).id;
  if (req.executionId !== undefined) await getExecutionRecord(app, req.executionId);
  return insertResult(app.store.db, {
    name: req.name,
    data: req.data,
    taskId,
    executionId: req.executionId ?? null,
    tags: req.tags ?? [],
    createdBy,
  });
}

export interface GetResultsRequest {
  id?: number | string;
  name?: string;
  namePrefix?: string;
  task?: string | number;
  executionId?: number;
  tag?: string;
  limit?: number;
  offset?: number;
}

/** One result by id/UUID, or the matching results newest first with the total count. */
export async function findResults(
  app: Ratchet,
  req: GetResultsRequest,
): Promise<{ rows: ResultRecord[]; total: number }> {
  if (req.id !== undefined) {
    const ref = typeof req.id === 'string' && /^[0-9]+$/.test(req.id) ? Number(req.id) : req.id;
    return { rows: [await getResult(app.store.db, ref)], total: 1 };
  }
  const taskId = req.task === undefined ? undefined : (await requireTask(app, req.task)).id;
  return listResults(app.store.db, {
    name: req.name,
    namePrefix: req.namePrefix,
    taskId,
    executionId: req.executionId,
    tag: req.tag,
    limit: req.limit,
    offset: req.offset,
  });
}
