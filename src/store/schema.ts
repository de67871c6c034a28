// The database as Kysely sees it: one interface per table, column names as in SQL (snake_case).
// Conventions shared by both dialects (the repositories hide them):
// - ids: integer auto-increment primary keys (`bigserial` on PostgreSQL), plus a `uuid` text column
//   where an entity is addressed by UUID; `workers.id` is the worker's own text id.
// - timestamps: epoch milliseconds (integer / bigint); repositories return ISO-8601 strings.
// - JSON: text on both dialects; repositories parse and serialise.
// - booleans: `boolean` columns; SQLite hands back 0/1, PostgreSQL true/false.
import type { ColumnType, Generated } from 'kysely';

/** A boolean as read back: 0/1 from SQLite, true/false from PostgreSQL. */
export type Bool = ColumnType<boolean | number, boolean, boolean>;
/** Epoch milliseconds. */
export type Millis = number;
/** JSON serialised as text. */
export type JsonText = string;

export type ChangeSource = 'file' | 'git' | 'api' | 'mcp' | 'cli';
export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'RETRYING';
export type ExecutionStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type WorkerStatus = 'ONLINE' | 'DRAINING' | 'OFFLINE';
export type SourceKind = 'file' | 'git';

export interface TasksTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  enabled: Bool;
  source_id: number | null;
  /** False once the task's source no longer contains it; versions stay. */
  available: Bool;
  /** The highest enabled version, kept up to date by the tasks repository. */
  latest_version_id: number | null;
  created_at: Millis;
  updated_at: Millis;
  deleted_at: Millis | null;
}

export interface TaskVersionsTable {
  id: Generated<number>;
  task_id: number;
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
  /** Text whose byte order is semver precedence within one major.minor.patch (see semver-key.ts). */
  prerelease_key: string;
  description: string | null;
  code: string;
  input_schema: JsonText | null;
  output_schema: JsonText | null;
  metadata: JsonText;
  tests: JsonText;
  checksum: string;
  enabled: Bool;
  change_source: ChangeSource;
  changed_by: string | null;
  created_at: Millis;
}

export interface TaskSourcesTable {
  id: Generated<number>;
  name: string;
  uri: string;
  kind: SourceKind;
  branch: string | null;
  ref: string | null;
  config: JsonText;
  last_synced_at: Millis | null;
  last_error: string | null;
  commit_sha: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface JobsTable {
  id: Generated<number>;
  uuid: string;
  task_id: number;
  /** Null: run whatever version is latest when the job is claimed. */
  task_version_id: number | null;
  /** Shown to users: writeOnly fields masked. */
  input: JsonText;
  /** The real input when it differs from `input` (writeOnly fields); only the worker reads it. */
  secret_input: Generated<JsonText | null>;
  status: JobStatus;
  /** Higher number = more urgent (LOW 0, NORMAL 5, HIGH 10, CRITICAL 20). */
  priority: number;
  run_at: Millis;
  attempts: number;
  max_retries: number;
  timeout_ms: number | null;
  idempotency_key: string | null;
  lease_owner: string | null;
  lease_expires_at: Millis | null;
  last_error: JsonText | null;
  output_destinations: JsonText | null;
  schedule_id: number | null;
  cancel_requested: Bool;
  created_at: Millis;
  updated_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
  /** The workflow step this job is an attempt of (006); null for ordinary jobs. */
  workflow_step_id: Generated<number | null>;
}

export interface ExecutionsTable {
  id: Generated<number>;
  uuid: string;
  job_id: number | null;
  task_id: number;
  task_version_id: number;
  attempt: number;
  status: ExecutionStatus;
  input: JsonText;
  output: JsonText | null;
  error: JsonText | null;
  logs: JsonText | null;
  http: JsonText | null;
  progress: JsonText | null;
  worker_id: string | null;
  started_at: Millis | null;
  finished_at: Millis | null;
  duration_ms: number | null;
  created_at: Millis;
}

export interface SchedulesTable {
  id: Generated<number>;
  uuid: string;
  /** The task a tick enqueues, or null when the schedule starts a workflow (007). */
  task_id: number | null;
  /** The workflow a tick starts (its latest version), or null for a task schedule. */
  workflow_id: Generated<number | null>;
  name: string;
  description: string | null;
  cron_expression: string;
  timezone: string | null;
  /** Shown to users: writeOnly fields masked. */
  input: JsonText;
  /** The real input when it differs from `input` (writeOnly fields); only ticks read it. */
  secret_input: Generated<JsonText | null>;
  enabled: Bool;
  next_run_at: Millis | null;
  last_run_at: Millis | null;
  run_count: number;
  max_runs: number | null;
  missed_run_policy: string;
  output_destinations: JsonText | null;
  /** The tick a node last claimed; a compare-and-set on it makes each tick fire once. */
  last_tick_claimed_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface DeliveryResultsTable {
  id: Generated<number>;
  job_id: number | null;
  execution_id: number | null;
  workflow_run_id: number | null;
  destination_type: string;
  destination: JsonText;
  attempt: number;
  success: Bool;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
  created_at: Millis;
}

export interface WorkersTable {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  capacity: number;
  running_jobs: number;
  jobs_completed: number;
  jobs_failed: number;
  status: WorkerStatus;
  started_at: Millis;
  last_heartbeat_at: Millis;
  metadata: JsonText;
}

export interface ApiKeysTable {
  id: Generated<number>;
  prefix: string;
  key_hash: string;
  name: string;
  role: string;
  created_at: Millis;
  expires_at: Millis | null;
  revoked_at: Millis | null;
  last_used_at: Millis | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Millis;
  actor: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  source_ip: string | null;
  outcome: string;
  details: JsonText | null;
}

export interface ResultsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  task_id: number | null;
  execution_id: number | null;
  data: JsonText;
  tags: JsonText;
  size_bytes: number;
  created_by: string | null;
  created_at: Millis;
}

export interface TaskBackupsTable {
  id: Generated<number>;
  uuid: string;
  task_id: number;
  task_name: string;
  version: string;
  /** The version's files (path → text) as a task folder would hold them. */
  files: JsonText;
  reason: string | null;
  created_by: string | null;
  created_at: Millis;
}

export type McpTaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export interface McpTasksTable {
  id: string;
  owner: string;
  tool: string;
  status: McpTaskStatus;
  status_message: string | null;
  created_at: Millis;
  updated_at: Millis;
  ttl_ms: Millis;
  poll_interval_ms: number;
  result: JsonText | null;
  error: JsonText | null;
  execution_ids: JsonText;
  node: string;
  heartbeat_at: Millis;
  expires_at: Millis;
}

export interface DatabaseSchema {
  tasks: TasksTable;
  task_versions: TaskVersionsTable;
  task_sources: TaskSourcesTable;
  jobs: JobsTable;
  executions: ExecutionsTable;
  schedules: SchedulesTable;
  delivery_results: DeliveryResultsTable;
  workers: WorkersTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  results: ResultsTable;
  task_backups: TaskBackupsTable;
  mcp_tasks: McpTasksTable;
  mcp_sessions: McpSessionsTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  workflow_runs: WorkflowRunsTable;
  workflow_steps: WorkflowStepsTable;
  workflow_transitions: WorkflowTransitionsTable;
  queue_state: QueueStateTable;
}

/** One row (id 1): switches every worker sharing the store honours. */
export interface QueueStateTable {
  id: number;
  /** 1 while claiming is paused (`job pause`). */
  paused: number;
  changed_at: Millis | null;
  changed_by: string | null;
}

export interface McpSessionsTable {
  id: string;
  owner: string;
  created_at: Millis;
  last_seen_at: Millis;
}

export interface WorkflowsTable {
  id: Generated<number>;
  name: string;
  latest_version_id: number | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface WorkflowVersionsTable {
  id: Generated<number>;
  workflow_id: number;
  version: string;
  description: string;
  definition: JsonText;
  created_at: Millis;
}

export interface WorkflowRunsTable {
  id: Generated<number>;
  uuid: string;
  workflow_id: number;
  workflow_version_id: number;
  status: string;
  input: JsonText;
  output: JsonText | null;
  error: JsonText | null;
  idempotency_key: string | null;
  created_at: Millis;
  updated_at: Millis;
  finished_at: Millis | null;
  output_destinations: JsonText | null;
  delivery_claimed_at: Millis | null;
}

export interface WorkflowStepsTable {
  id: Generated<number>;
  run_id: number;
  name: string;
  parent_id: number | null;
  item_index: number | null;
  status: string;
  task_id: number;
  task_version_id: number | null;
  attempts: Generated<number>;
  job_id: number | null;
  input: JsonText | null;
  output: JsonText | null;
  error: JsonText | null;
  started_at: Millis | null;
  finished_at: Millis | null;
}

export interface WorkflowTransitionsTable {
  id: Generated<number>;
  run_id: number;
  step_id: number | null;
  from_status: string | null;
  to_status: string;
  reason: string;
  actor: string;
  at: Millis;
}

/** Every table Ratchet owns, in the order stats and tests list them. */
export const TABLES = [
  'tasks',
  'task_versions',
  'task_sources',
  'jobs',
  'executions',
  'schedules',
  'delivery_results',
  'workers',
  'api_keys',
  'audit_log',
  'results',
  'task_backups',
  'mcp_tasks',
  'mcp_sessions',
  'workflows',
  'workflow_versions',
  'workflow_runs',
  'workflow_steps',
  'workflow_transitions',
  'queue_state',
] as const satisfies readonly (keyof DatabaseSchema)[];
