// The messages between the executor pool (main thread) and its executor threads.
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits, TaskRunResult } from '../runtime/run-task.ts';
import type { ProgressEvent } from '../runtime/types.ts';

export interface ExecutorThreadData {
  http: HttpClientOptions;
  limits: RuntimeLimits;
  /** One Int32 slot: the id of a job to cancel; the thread stops its run when it matches. */
  cancelFlag: SharedArrayBuffer;
}

export interface RunMessage {
  type: 'run';
  jobId: number;
  executionId: number;
  executionUuid: string;
  /** Packages are cached in the thread by version id; files come only the first time. */
  versionId: number;
  files?: Record<string, string>;
  label: string;
  input: unknown;
  timeoutMs?: number;
  /** jobId is null for synchronous runs that belong to no job (POST /tasks/{id}/execute). */
  context: { taskId: string; taskVersion: string; jobId: string | null };
}

export type ToThread = RunMessage | { type: 'ping'; id: number };

export type FromThread =
  | { type: 'started'; jobId: number; timeoutMs: number }
  | { type: 'progress'; jobId: number; event: ProgressEvent }
  | { type: 'result'; jobId: number; result: TaskRunResult }
  | { type: 'pong'; id: number };
