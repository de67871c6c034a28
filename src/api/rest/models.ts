// What the REST API returns for each resource: the zod schema (OpenAPI + fast serialisation) and the
// view that turns a service record into it. camelCase, enums in SCREAMING_SNAKE_CASE, ids as
// numbers, priorities as names, destination credentials redacted. Objects are "loose" so a field a
// service adds later is passed through rather than silently dropped by the serializer.
import { z } from 'zod';
import { priorityName } from '../../store/repos/jobs.ts';
import type { JobRecord } from '../../store/repos/jobs.ts';
import type { TaskRecord, TaskVersionRecord } from '../../store/repos/tasks.ts';
import type { ExecutionRecord, ExecutionSummary } from '../../store/repos/executions.ts';
import type { ScheduleRecord } from '../../store/repos/schedules.ts';
import type { ApiKeyRecord } from '../../store/repos/api-keys.ts';
import { parseDestination, redactDestination } from '../../delivery/destinations.ts';
import type { Repository as RepositoryRecord } from '../../services/sources.ts';

const time = z.string().describe('ISO-8601');
const nullableTime = time.nullable();
const json = z.unknown();

export const Task = z.looseObject({
  id: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  available: z.boolean().describe('False once the task is gone from its source'),
  sourceId: z.number().int().nullable(),
  latestVersion: z.string().nullable(),
  latestVersionId: z.number().int().nullable(),
  createdAt: time,
  updatedAt: time,
  deletedAt: nullableTime,
});

export const TaskVersion = z.looseObject({
  id: z.number().int(),
  taskId: z.number().int(),
  version: z.string(),
  description: z.string().nullable(),
  checksum: z.string(),
  enabled: z.boolean(),
  changeSource: z.enum(['FILE', 'GIT', 'API', 'MCP', 'CLI']),
  changedBy: z.string().nullable(),
  createdAt: time,
});

export const TaskVersionDetail = TaskVersion.extend({
  code: z.string(),
  inputSchema: json,
  outputSchema: json,
  metadata: z.looseObject({}),
  tests: z.array(z.object({ name: z.string(), content: z.string() })),
});

export const TaskDetail = Task.extend({ version: TaskVersionDetail.nullable() });

export function taskView(t: TaskRecord) {
  return t;
}

export function versionView(v: TaskVersionRecord) {
  return {
    id: v.id,
    taskId: v.taskId,
    version: v.version,
    description: v.description,
    checksum: v.checksum,
    enabled: v.enabled,
    changeSource: v.changeSource.toUpperCase() as 'API',
    changedBy: v.changedBy,
    createdAt: v.createdAt,
  };
}

export function versionDetailView(v: TaskVersionRecord) {
  return {
    ...versionView(v),
    code: v.code,
    inputSchema: v.inputSchema ?? null,
    outputSchema: v.outputSchema ?? null,
    metadata: v.metadata,
    tests: v.tests.map((t) => ({ name: t.name, content: t.text })),
  };
}

export function taskDetailView(t: TaskRecord & { version: TaskVersionRecord | null }) {
  return { ...t, version: t.version ? versionDetailView(t.version) : null };
}

const executionStatus = z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']);
const executionError = z.looseObject({ type: z.string(), message: z.string() }).nullable();

export const ExecutionSummaryModel = z.looseObject({
  id: z.number().int(),
  uuid: z.string(),
  jobId: z.number().int().nullable(),
  taskId: z.number().int(),
  taskVersionId: z.number().int(),
  attempt: z.number().int(),
  status: executionStatus,
  input: json,
  output: json,
  error: executionError,
  progress: json,
  workerId: z.string().nullable(),
  startedAt: nullableTime,
  finishedAt: nullableTime,
  durationMs: z.number().nullable(),
  createdAt: time,
});

export const ExecutionModel = ExecutionSummaryModel.extend({
  logs: z.array(json).nullable().describe('Console lines the task wrote'),
  http: z.array(json).nullable().describe('HTTP exchanges the task made'),
});

export function executionSummaryView(e: ExecutionSummary) {
  return e;
}

export function executionView(e: ExecutionRecord) {
  return e;
}

/** Stored destinations with credentials replaced; an unparseable one is shown as stored. */
function destinationsView(list: unknown[] | null): unknown[] | null {
  if (list === null) return null;
  return list.map((d, i) => {
    try {
      return redactDestination(parseDestination(d, i));
    } catch {
      return d;
    }
  });
}

const priority = z.enum(['LOW', 'NORMAL', 'HIGH', 'CRITICAL']);

export const Job = z.looseObject({
  id: z.number().int(),
  uuid: z.string(),
  taskId: z.number().int(),
  taskVersionId: z.number().int().nullable(),
  input: json,
  status: z.enum(['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'RETRYING']),
  priority,
  priorityValue: z.number().int().describe('The stored number: LOW 0, NORMAL 5, HIGH 10, CRITICAL 20'),
  scheduledFor: time.describe('Not run before this time'),
  attempts: z.number().int(),
  maxRetries: z.number().int(),
  timeoutMs: z.number().int().nullable(),
  idempotencyKey: z.string().nullable(),
  lastError: json,
  outputDestinations: z.array(json).nullable(),
  scheduleId: z.number().int().nullable(),
  cancelRequested: z.boolean(),
  createdAt: time,
  updatedAt: time,
  startedAt: nullableTime,
  finishedAt: nullableTime,
});

export function jobView(j: JobRecord) {
  return {
    id: j.id,
    uuid: j.uuid,
    taskId: j.taskId,
    taskVersionId: j.taskVersionId,
    input: j.input,
    status: j.status,
    priority: priorityName(j.priority),
    priorityValue: j.priority,
    scheduledFor: j.runAt,
    attempts: j.attempts,
    maxRetries: j.maxRetries,
    timeoutMs: j.timeoutMs,
    idempotencyKey: j.idempotencyKey,
    leaseOwner: j.leaseOwner,
    leaseExpiresAt: j.leaseExpiresAt,
    lastError: j.lastError,
    outputDestinations: destinationsView(j.outputDestinations),
    scheduleId: j.scheduleId,
    cancelRequested: j.cancelRequested,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
  };
}

export const Schedule = z.looseObject({
  id: z.number().int(),
  uuid: z.string(),
  taskId: z.number().int().nullable().describe('The task each tick enqueues; null for a workflow schedule'),
  workflowId: z.number().int().nullable().describe('The workflow each tick starts; null for a task schedule'),
  name: z.string(),
  description: z.string().nullable(),
  cronExpression: z.string(),
  timezone: z.string().nullable(),
  input: json,
  enabled: z.boolean(),
  nextRunAt: nullableTime,
  lastRunAt: nullableTime,
  runCount: z.number().int(),
  maxRuns: z.number().int().nullable(),
  missedRunPolicy: z.enum(['SKIP', 'RUN_ONCE']),
  outputDestinations: z.array(json).nullable(),
  createdAt: time,
  updatedAt: time,
});

export function scheduleView(s: ScheduleRecord) {
  return {
    id: s.id,
    uuid: s.uuid,
    taskId: s.taskId,
    workflowId: s.workflowId,
    name: s.name,
    description: s.description,
    cronExpression: s.cronExpression,
    timezone: s.timezone,
    input: s.input,
    enabled: s.enabled,
    nextRunAt: s.nextRunAt,
    lastRunAt: s.lastRunAt,
    runCount: s.runCount,
    maxRuns: s.maxRuns,
    missedRunPolicy: s.missedRunPolicy.toUpperCase() as 'SKIP',
    outputDestinations: destinationsView(s.outputDestinations),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export const Worker = z.looseObject({
  id: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  version: z.string(),
  capacity: z.number().int(),
  runningJobs: z.number().int(),
  jobsCompleted: z.number().int(),
  jobsFailed: z.number().int(),
  status: z.enum(['ONLINE', 'DRAINING', 'OFFLINE']),
  startedAt: time,
  lastHeartbeatAt: time,
  metadata: z.looseObject({}),
});

export const Repository = z.looseObject({
  id: z.number().int().nullable(),
  name: z.string(),
  kind: z.enum(['FILE', 'GIT']),
  uri: z.string(),
  branch: z.string().nullable(),
  ref: z.string().nullable(),
  watch: z.boolean(),
  tasks: z.number().int(),
  available: z.number().int(),
  lastSyncedAt: nullableTime,
  lastError: z.string().nullable(),
  commit: z.string().nullable(),
});

export function repositoryView(r: RepositoryRecord) {
  return { ...r, kind: r.kind.toUpperCase() as 'FILE' };
}

export const ApiKey = z.looseObject({
  id: z.number().int(),
  prefix: z.string(),
  name: z.string(),
  role: z.string().describe('viewer, operator, developer or admin'),
  createdAt: time,
  expiresAt: nullableTime,
  revokedAt: nullableTime,
  lastUsedAt: nullableTime,
});

export function apiKeyView(k: ApiKeyRecord) {
  return {
    id: k.id,
    prefix: k.prefix,
    name: k.name,
    role: k.role,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    lastUsedAt: k.lastUsedAt,
  };
}

export const AuditEntry = z.looseObject({
  id: z.number().int(),
  at: time,
  actor: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  outcome: z.string(),
  details: json,
});

/** Statistics objects: numbers and nested counts, passed through as the service computed them. */
export const Stats = z.looseObject({});
