// What an execution ran: its task (name, UUID) and version (text, code, schemas). Adapters that
// explain an execution (MCP status, error analysis, traces) need this next to the execution row.
import type { Ratchet } from './context.ts';
import { NotFoundError } from '../store/codec.ts';
import type { ExecutionSummary } from '../store/repos/executions.ts';
import { getTask, getTaskVersionById } from '../store/repos/tasks.ts';
import type { TaskRecord, TaskVersionRecord } from '../store/repos/tasks.ts';

export interface ExecutionSubject {
  task: TaskRecord;
  version: TaskVersionRecord;
}

/** The task and version an execution ran; NotFoundError when either no longer exists. */
export async function subjectOfExecution(
  app: Ratchet,
  e: Pick<ExecutionSummary, 'id' | 'taskId' | 'taskVersionId'>,
): Promise<ExecutionSubject> {
  const [task, version] = await Promise.all([
    getTask(app.store.db, e.taskId, { includeDeleted: true }),
    getTaskVersionById(app.store.db, e.taskVersionId),
  ]);
  if (!task || !version) {
    throw new NotFoundError(`the task version execution ${e.id} ran (task ${e.taskId}) no longer exists`);
  }
  return { task, version };
}
