// Workflows in the GraphQL schema (docs/workflows.md): definitions, versions and validation, runs
// with their steps, items and transitions, the run operations and a subscription to a run. Each
// resolver is one call into services/workflows with the access REST gives the same action
// (read: definitions, runs, validate; write: save a definition; run: start, cancel, retry, resolve).
import type { Ratchet } from '../../app.ts';
import {
  cancelWorkflowRun,
  getWorkflow,
  itemCounts,
  listRuns,
  listWorkflowDefinitions,
  resolveWorkflowStep,
  retryWorkflowStep,
  runGraph,
  runStatus,
  runTransitions,
  saveWorkflow,
  startWorkflow,
  validateWorkflow,
  waitForRun,
  workflowSourceOf,
  workflowVersions,
  type RunStatus,
  type StepStatus,
} from '../../services/workflows/index.ts';
import type { WorkflowRunRecord } from '../../store/repos/workflow-runs.ts';
import type { WorkflowVersionRecord } from '../../store/repos/workflows.ts';
import type { ListFilter } from '../../store/list-query.ts';
import { drawGraph, type GraphFormat } from '../../workflows/graph.ts';
import type { WorkflowDefinition } from '../../workflows/types.ts';
import { assertMayDeliver } from '../rest/jobs.ts';
import { actorOf, guard, guarded, type GqlContext, type Resolver } from './context.ts';
import { badInput } from './errors.ts';
import { listAnswer, listQuery, type ListArgs } from './list.ts';
import { parseInput } from './mutations.ts';
import { pushIterator } from './push-iterator.ts';
import { runEnded } from '../../workflows/states.ts';

/** A run as the WorkflowRun type reads it; `steps` is there when the status was already read. */
export type RunNode = WorkflowRunRecord & { steps?: StepStatus[] };

const runNode = (s: RunStatus): RunNode => ({ ...s.run, steps: s.steps });

const format = (f: string | null | undefined): GraphFormat => (f === 'DOT' ? 'dot' : 'mermaid');

/** A definition argument: YAML/JSON text or an object (the JSON scalar). */
function definitionArg(value: unknown): string | Record<string, unknown> {
  if (typeof value === 'string' && value.includes(':')) return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return value as Record<string, unknown>;
  throw badInput('definition must be workflow.yaml or workflow.json text, or the definition as an object', {
    field: 'definition',
  });
}

export function workflowQueries(app: Ratchet): Record<string, Resolver> {
  return {
    workflows: guarded<ListArgs>('read', 'workflows', async (args) => {
      const { query, offset, limit } = listQuery(args);
      return listAnswer(await listWorkflowDefinitions(app, query), offset, limit, (w) => w);
    }),
    workflow: guarded<{ name: string; version?: string | null }>('read', 'workflow', (a) =>
      getWorkflow(app, a.name, a.version ?? undefined),
    ),
    workflowVersions: guarded<{ name: string }>('read', 'workflowVersions', async (a) => {
      await getWorkflow(app, a.name);
      return workflowVersions(app, a.name);
    }),
    workflowRuns: guarded<ListArgs & { status?: string | null; workflow?: string | null }>(
      'read',
      'workflowRuns',
      async (args) => {
        const extra: ListFilter[] = [];
        if (args.status) extra.push({ field: 'status', op: 'eq', value: args.status });
        if (args.workflow) extra.push({ field: 'workflow', op: 'eq', value: args.workflow });
        const { query, offset, limit } = listQuery(args, extra, { status: (v) => v.toUpperCase() });
        return listAnswer(await listRuns(app, query), offset, limit, (r): RunNode => r);
      },
    ),
    workflowRun: guarded<{ id: string }>('read', 'workflowRun', async (a) =>
      runNode(await runStatus(app, a.id)),
    ),
  };
}

export function workflowMutations(app: Ratchet): Record<string, Resolver> {
  return {
    saveWorkflow: guarded<{ definition: unknown }>('write', 'saveWorkflow', async (a) => {
      const { version, created } = await saveWorkflow(app, workflowSourceOf(definitionArg(a.definition)));
      return { version, created };
    }),
    validateWorkflow: guarded<{ definition: unknown }>('read', 'validateWorkflow', (a) =>
      validateWorkflow(app, workflowSourceOf(definitionArg(a.definition))),
    ),
    startWorkflow: guarded<{
      workflow: string;
      version?: string | null;
      input?: unknown;
      idempotencyKey?: string | null;
      outputDestinations?: unknown[] | null;
    }>('run', 'startWorkflow', async (a, ctx) => {
      assertMayDeliver(ctx.principal.role, a.outputDestinations ?? undefined);
      const { created, ...run } = await startWorkflow(app, {
        workflow: a.workflow,
        ...(a.version != null ? { version: a.version } : {}),
        input: parseInput(a.input, 'startWorkflow.input'),
        idempotencyKey: a.idempotencyKey ?? null,
        actor: actorOf(ctx),
        outputDestinations: a.outputDestinations ?? null,
      });
      return { run: run as RunNode, created };
    }),
    cancelWorkflowRun: guarded<{ id: string }>('run', 'cancelWorkflowRun', async (a, ctx) =>
      runNode(await cancelWorkflowRun(app, a.id, actorOf(ctx))),
    ),
    retryWorkflowStep: guarded<{ id: string; step: string }>('run', 'retryWorkflowStep', async (a, ctx) =>
      runNode(await retryWorkflowStep(app, a.id, a.step, actorOf(ctx))),
    ),
    resolveWorkflowStep: guarded<{ id: string; step: string; output?: unknown }>(
      'run',
      'resolveWorkflowStep',
      async (a, ctx) => runNode(await resolveWorkflowStep(app, a.id, a.step, a.output ?? null, actorOf(ctx))),
    ),
  };
}

export function workflowSubscriptions(app: Ratchet, opts: { pollMs?: number } = {}) {
  return {
    workflowRunUpdated: {
      subscribe: async (_root: unknown, args: { id: string }, ctx: GqlContext) => {
        guard(ctx, 'read', 'workflowRunUpdated');
        // An unknown run is NOT_FOUND here, before anything is streamed.
        const first = await runStatus(app, args.id);
        return pushIterator<{ workflowRunUpdated: unknown }>((push, end) => {
          const stop = new AbortController();
          waitForRun(app, first.run.id, {
            pollMs: opts.pollMs ?? 50,
            signal: stop.signal,
            onChange: (s) => push({ workflowRunUpdated: { run: runNode(s), final: runEnded(s.run.status) } }),
          })
            .catch(() => undefined)
            .finally(end);
          return () => stop.abort();
        });
      },
    },
  };
}

/** Fields read on demand: a run's steps when a list did not read them, transitions, graphs. */
export function workflowTypeResolvers(app: Ratchet) {
  return {
    Workflow: {
      versions: (w: { name: string }) => workflowVersions(app, w.name),
    },
    WorkflowVersion: {
      graph: (v: WorkflowVersionRecord, a: { format?: string | null }) =>
        drawGraph(v.definition as WorkflowDefinition, format(a.format)),
    },
    WorkflowRun: {
      steps: async (r: RunNode) => r.steps ?? (await runStatus(app, r.id)).steps,
      transitions: (r: RunNode) => runTransitions(app, r.id),
      graph: (r: RunNode, a: { format?: string | null }) => runGraph(app, r.id, format(a.format)),
    },
    WorkflowStep: {
      itemCounts: (s: StepStatus) => (s.items ? itemCounts(s.items) : null),
    },
  };
}
