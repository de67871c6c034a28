// The REST API's resources as the dashboard reads them (src/api/rest/models.ts is the source).
export interface ExecutionError {
  type: string;
  message: string;
  stack?: string;
  location?: { file: string; line: number; column?: number };
}

export interface Execution {
  id: number;
  uuid: string;
  jobId: number | null;
  taskId: number;
  taskVersionId: number;
  attempt: number;
  status: string;
  input: unknown;
  output: unknown;
  error: ExecutionError | null;
  progress: { fraction: number; message?: string } | null;
  workerId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  createdAt: string;
  logs?: unknown[] | null;
  http?: unknown[] | null;
}

export interface Job {
  id: number;
  uuid: string;
  taskId: number;
  input: unknown;
  status: string;
  priority: string;
  attempts: number;
  maxRetries: number;
  lastError: ExecutionError | null;
  cancelRequested: boolean;
  scheduleId: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  scheduledFor: string | null;
}

export interface Worker {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  status: string;
  capacity: number;
  runningJobs: number;
  jobsCompleted: number;
  jobsFailed: number;
  startedAt: string;
  lastHeartbeatAt: string | null;
}

export const FINAL_JOB = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
export const JOB_STATES = ['QUEUED', 'PROCESSING', 'RETRYING', 'COMPLETED', 'FAILED', 'CANCELLED'];
export const EXECUTION_STATES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
