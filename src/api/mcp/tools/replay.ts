// ratchet_replay_execution: the MCP face of replaying a stored execution (quality/replay.ts, run in
// a quality thread through services/quality.ts).
import { z } from 'zod';
import { defineTool } from '../tool.ts';
import { replayStoredExecution } from '../../../services/quality.ts';
import { RUNS_TASKS, atVersion } from './dev-common.ts';
import { executionId } from './common.ts';

const request = z.object({ method: z.string(), url: z.string() });
const outcome = z.object({
  status: z.string().describe('COMPLETED or FAILED'),
  output: z.unknown().describe('The output when it completed, else null'),
  error: z.object({ type: z.string(), message: z.string() }).nullable().describe('The error when it failed'),
});

const replayExecution = defineTool({
  name: 'ratchet_replay_execution',
  title: 'Replay an execution',
  description:
    'Runs a finished execution again on its recorded input and recorded HTTP, on its version or another. Returns whether the outcome matches, both outcomes and the differences.',
  input: z.object({
    execution_id: executionId,
    version: atVersion.describe('Version to replay on (default: the version the execution ran)'),
  }),
  output: z.object({
    execution_id: z.number().int(),
    task: z.string().describe('Task name'),
    version: z.string().describe('Version replayed'),
    matches: z.boolean(),
    mismatches: z
      .array(
        z.object({
          index: z.number().int(),
          asked: request,
          expected: request.nullable(),
          message: z.string(),
        }),
      )
      .describe('Requests the replay made that the recording did not have next'),
    unused: z.array(request).describe('Recorded requests the replay never made'),
    recorded: outcome,
    replayed: outcome,
    differences: z
      .array(z.object({ path: z.string(), kind: z.string(), expected: z.unknown(), actual: z.unknown() }))
      .describe('Output paths that differ (recorded → replayed)'),
    outcome_problem: z
      .string()
      .nullable()
      .describe('Why the outcomes differ when it is not a matter of output fields'),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { execution_id: 1 },
  async handler(args, ctx) {
    const {
      task,
      version,
      executionId: id,
      result: r,
    } = await replayStoredExecution(ctx.app, args.execution_id, args.version);
    const view = (o: { status: string; output?: unknown; error?: { type: string; message: string } }) => ({
      status: o.status,
      output: o.output ?? null,
      error: o.error ? { type: o.error.type, message: o.error.message } : null,
    });
    return {
      execution_id: id,
      task,
      version,
      matches: r.matches,
      mismatches: r.mismatches.map((m) => ({ ...m, expected: m.expected ?? null })),
      unused: r.unused,
      recorded: view(r.expected),
      replayed: view(r.actual),
      differences: r.differences.map((d) => ({
        path: d.path,
        kind: d.kind,
        expected: d.expected ?? null,
        actual: d.actual ?? null,
      })),
      outcome_problem: r.outcomeProblem ?? null,
    };
  },
});

export const replayTools = [replayExecution];
