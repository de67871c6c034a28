// The one interface every console command goes through. Two implementations: HttpClient (the
// public REST API under /api/v1) and LocalClient (the services, in-process). Both answer with the
// REST API's JSON shapes, so a command prints the same thing whichever way it is connected.

export type Resource = 'tasks' | 'executions' | 'jobs' | 'schedules' | 'workers' | 'repositories';
export type StatsKind = 'tasks' | 'executions' | 'jobs' | 'schedules' | 'workers';

export interface ListPage {
  data: Record<string, unknown>[];
  meta: { total: number; start: number; end: number; limit: number };
}

export interface DbStatus {
  database: string;
  dialect: string;
  migrations: { name: string; applied: boolean }[];
}

export interface ConsoleClient {
  /** `local` or `host:port`: what the prompt shows. */
  readonly where: string;
  /** Starts connecting in the background (a client opened behind the prompt); no-op otherwise. */
  warm?(): void;
  /** Aborted by Ctrl-C: the command in flight stops (its request, its run) and the console stays. */
  signal?: AbortSignal;
  /** Query keys are the REST list parameters (`limit`, `status`, `createdAt_gte`, …). */
  list(resource: Resource, query?: Record<string, string>): Promise<ListPage>;
  get(resource: Resource, id: string): Promise<Record<string, unknown>>;
  taskVersions(id: string): Promise<Record<string, unknown>[]>;
  setTaskEnabled(id: string, enabled: boolean): Promise<Record<string, unknown>>;
  executeTask(id: string, input: unknown): Promise<Record<string, unknown>>;
  testTask(id: string): Promise<Record<string, unknown>>;
  executionLogs(id: string): Promise<Record<string, unknown>>;
  enqueueJob(task: string, input: unknown): Promise<Record<string, unknown>>;
  cancelJob(id: string): Promise<Record<string, unknown>>;
  retryJob(id: string): Promise<Record<string, unknown>>;
  setScheduleEnabled(id: string, enabled: boolean): Promise<Record<string, unknown>>;
  triggerSchedule(id: string): Promise<Record<string, unknown>>;
  /** Adds a task source (kept in the store) and syncs it (admin). */
  addRepository(name: string, uri: string): Promise<Record<string, unknown>>;
  /** Checks one source, or all: reachable, every task loads. */
  verifyRepositories(name?: string): Promise<Record<string, unknown>[]>;
  /** Sync one source by name, or every source. */
  syncRepositories(name?: string): Promise<Record<string, unknown>[]>;
  stats(kind: StatsKind): Promise<Record<string, unknown>>;
  health(): Promise<Record<string, unknown>>;
  /** Whether workers claim (paused or not) and the queue depth (GET /api/v1/queue). */
  queue(): Promise<Record<string, unknown>>;
  /** Pauses or resumes claiming across every worker sharing the store (admin). */
  setQueuePaused(paused: boolean): Promise<Record<string, unknown>>;
  /** Deletes finished jobs (admin); answers how many. */
  clearJobs(opts: { status?: string; olderThan?: string }): Promise<Record<string, unknown>>;
  /** One snapshot for the live monitor (GET /api/v1/monitor). */
  monitor(): Promise<Record<string, unknown>>;
  /** Database and migrations (admin). */
  dbStatus(): Promise<DbStatus>;
  dbMigrate(): Promise<string[]>;
  dbStats(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A failed call, with the HTTP status (or the one the API would answer) and error code. */
export class ClientError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = 'ClientError';
    this.status = status;
    this.code = code;
  }
}
