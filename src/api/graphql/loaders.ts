// Batched field loading (Mercurius loaders: every `task` or `lastExecution` asked for in one
// operation is collected and read in one service call), so 100 jobs with their task and last
// execution cost a fixed number of queries instead of 200. Fields that are rarely listed (a task's
// versions, an execution's logs outside `execution(id)`) resolve one by one.
import type { Ratchet } from '../../app.ts';
import {
  getTaskDetail,
  listTaskPage,
  listVersions,
  versionLabels,
  type TaskRecord,
} from '../../services/tasks.ts';
import { getExecutionRecord, listExecutionPage, type ExecutionSummary } from '../../services/executions.ts';
import { MAX_LIMIT } from '../../store/list-query.ts';
import { taskNode, versionDetailView, versionView, type TaskNode } from './views.ts';

interface Query<T> {
  obj: T;
}

/** Tasks by id in one list call per MAX_LIMIT ids. */
async function tasksById(app: Ratchet, ids: number[]): Promise<Map<number, TaskRecord>> {
  const unique = [...new Set(ids)];
  const found = new Map<number, TaskRecord>();
  for (let i = 0; i < unique.length; i += MAX_LIMIT) {
    const chunk = unique.slice(i, i + MAX_LIMIT);
    const page = await listTaskPage(app, {
      filters: [{ field: 'id', op: 'in', value: chunk }],
      limit: chunk.length,
    });
    for (const t of page.rows) found.set(t.id, t);
  }
  return found;
}

/** The newest attempt of each job, read in pages of MAX_LIMIT executions. */
async function lastExecutions(app: Ratchet, jobIds: number[]): Promise<Map<number, ExecutionSummary>> {
  const unique = [...new Set(jobIds)];
  const last = new Map<number, ExecutionSummary>();
  if (unique.length === 0) return last;
  for (let offset = 0; ; offset += MAX_LIMIT) {
    const page = await listExecutionPage(app, {
      filters: [{ field: 'jobId', op: 'in', value: unique }],
      sort: { field: 'id', order: 'desc' },
      offset,
      limit: MAX_LIMIT,
    });
    for (const e of page.rows) if (e.jobId !== null && !last.has(e.jobId)) last.set(e.jobId, e);
    if (offset + page.rows.length >= page.total || page.rows.length === 0) return last;
  }
}

function taskLoader(app: Ratchet) {
  // A workflow schedule has no task (taskId null).
  return async (queries: Query<{ taskId: number | null }>[]) => {
    const tasks = await tasksById(
      app,
      queries.flatMap((q) => (q.obj.taskId === null ? [] : [q.obj.taskId])),
    );
    return queries.map((q) => {
      const t = q.obj.taskId === null ? undefined : tasks.get(q.obj.taskId);
      return t ? taskNode(t) : null;
    });
  };
}

export function loaders(app: Ratchet) {
  return {
    Job: {
      task: taskLoader(app),
      lastExecution: async (queries: Query<{ id: number }>[]) => {
        const last = await lastExecutions(
          app,
          queries.map((q) => q.obj.id),
        );
        return queries.map((q) => last.get(q.obj.id) ?? null);
      },
    },
    Execution: { task: taskLoader(app) },
    // metadata.json's label of the latest version (the brief's `label`); the name when it has none.
    Task: {
      label: async (queries: Query<TaskNode>[]) => {
        const ids = queries.map((q) => q.obj.latestVersionId).filter((id): id is number => id !== null);
        const labels = await versionLabels(app, [...new Set(ids)]);
        return queries.map(
          (q) => (q.obj.latestVersionId !== null && labels.get(q.obj.latestVersionId)) || q.obj.name,
        );
      },
    },
    Schedule: { task: taskLoader(app) },
  };
}

/** Field resolvers that are not batched. */
export function typeResolvers(app: Ratchet) {
  return {
    Task: {
      versions: async (t: TaskNode) => (await listVersions(app, t.id)).map(versionView),
      current: async (t: TaskNode) => {
        if (t.detail !== undefined) return t.detail;
        const d = await getTaskDetail(app, t.id);
        return d.version ? versionDetailView(d.version) : null;
      },
    },
    Execution: {
      // Lists carry summaries without logs and HTTP exchanges; asking for them reads the record.
      logs: async (e: { id: number; logs?: unknown[] | null }) =>
        'logs' in e ? e.logs : (await getExecutionRecord(app, e.id)).logs,
      http: async (e: { id: number; http?: unknown[] | null }) =>
        'http' in e ? e.http : (await getExecutionRecord(app, e.id)).http,
    },
  };
}
