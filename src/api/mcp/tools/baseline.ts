// ratchet_compare_with_baseline: the MCP face of quality/baseline.ts (through services/quality.ts).
import { z } from 'zod';
import { defineTool } from '../tool.ts';
import { compareStoredWithBaseline } from '../../../services/quality.ts';
import { RUNS_TASKS, atVersion, taskRef } from './dev-common.ts';

const outcome = z.object({
  completed: z.boolean().describe('The task returned (true) or threw (false)'),
  output: z.unknown().describe('What it returned, else null'),
  error: z.object({ type: z.string(), message: z.string() }).nullable().describe('What it threw, else null'),
  duration_ms: z.number().describe('Median duration over the runs'),
});

const compareWithBaseline = defineTool({
  name: 'ratchet_compare_with_baseline',
  title: 'Compare a version with a baseline',
  description:
    "Runs a version's test cases through it and through baseline_version (same inputs and mocks) and compares the outcomes per case; compare_performance flags slower cases. Returns one entry per case and the regressions.",
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    baseline_version: z
      .string()
      .min(1)
      .max(64)
      .describe('The stored version to compare against (e.g. "1.0.0")'),
    compare_performance: z.boolean().default(false).describe('Also compare median durations over 5 runs'),
  }),
  output: z.object({
    task: z.string().describe('Task name'),
    version: z.string().describe('The version compared'),
    baseline_version: z.string(),
    runs: z.number().int().describe('Runs per case and version'),
    regressions: z.number().int().describe('Cases that got worse'),
    cases: z.array(
      z.object({
        name: z.string(),
        file: z.string(),
        change: z.enum(['same', 'output-changed', 'now-fails', 'error-changed', 'now-succeeds']),
        slower: z.boolean(),
        output_changes: z
          .array(z.object({ path: z.string(), kind: z.string(), before: z.unknown(), after: z.unknown() }))
          .describe('Output paths that differ'),
        baseline: outcome,
        current: outcome,
      }),
    ),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', baseline_version: '1.0.0' },
  async handler(args, ctx) {
    const { task, version, result } = await compareStoredWithBaseline(
      ctx.app,
      args.task_id,
      args.version,
      args.baseline_version,
      args.compare_performance,
    );
    const view = (o: (typeof result.cases)[number]['current']) => ({
      completed: o.completed,
      output: o.output ?? null,
      error: o.error ?? null,
      duration_ms: o.durationMs,
    });
    return {
      task,
      version,
      baseline_version: result.baselineVersion,
      runs: result.runs,
      regressions: result.regressions,
      cases: result.cases.map((c) => ({
        name: c.name,
        file: c.file,
        change: c.change,
        slower: c.slower,
        output_changes: c.outputChanges.map((ch) => ({
          path: ch.path,
          kind: ch.kind,
          before: ch.before ?? null,
          after: ch.after ?? null,
        })),
        baseline: view(c.baseline),
        current: view(c.current),
      })),
    };
  },
});

export const baselineTools = [compareWithBaseline];
