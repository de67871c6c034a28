// Quality tools for task authors (src/quality through services/quality.ts): coverage of the
// test suite, and the others as they land. Each runs the stored version in a worker thread.
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import { QualityInputError, runQualityOnStoredTask } from '../../../services/quality.ts';
import { RUNS_TASKS, atVersion, taskRef } from './dev-common.ts';
import { reportView, reportViewOf } from './test-report-view.ts';
import { coverageView, coverageViewOf, fuzzView } from './quality-views.ts';
import { availableParallelism } from 'node:os';
import { failureAsTestCase } from '../../../quality/fuzz.ts';

const analyzeTestCoverage = defineTool({
  name: 'ratchet_analyze_test_coverage',
  title: 'Measure test coverage',
  description:
    'Runs the stored test cases of a task version (default latest) exactly as ratchet_run_task_tests does, on main.js instrumented by istanbul, and measures line, branch, function and statement coverage merged over the cases. ' +
    'Instrumentation keeps every line where it was, so results and error lines are those of a plain run. ' +
    'Returns the test report, the figures, the uncovered lines with their source, each uncovered branch (line, kind, arm, condition) and a suggested case per branch; coverage is null with a reason when main.js does not parse.',
  input: z.object({ task_id: taskRef, version: atVersion }),
  output: z.object({
    task: z.string().describe('Task name'),
    version: z.string().describe('Version measured'),
    tests: reportView.describe('The test run (same as ratchet_run_task_tests)'),
    coverage: coverageView.nullable().describe('Null when main.js could not be instrumented'),
    error: z.string().nullable().describe('Why coverage is null'),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition' },
  async handler(args, ctx) {
    const { task, version, result } = await runQualityOnStoredTask(ctx.app, args.task_id, args.version, {
      kind: 'coverage',
    });
    const measured = result.tasks[0]!;
    return {
      task,
      version,
      tests: reportViewOf(result.report.tasks[0]!),
      coverage: coverageViewOf(measured),
      error: measured.error ?? null,
    };
  },
});

const fuzzTestTask = defineTool({
  name: 'ratchet_fuzz_test_task',
  title: 'Fuzz a task',
  description:
    'Runs a task version (default latest) for duration_seconds on inputs generated from its input schema (fast-check; only schema-valid inputs run), in parallel sandboxes, and shrinks each failure to the smallest input that fails the same way. ' +
    'A failure is a thrown error, an output the output schema rejects, or a timeout; fetch is answered by the mocks of the task\u2019s test cases or refused, never by the network. ' +
    'Returns the runs, the schema constraints the generator skipped, and each distinct failure with its smallest input and a ready test case; nothing is saved.',
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    duration_seconds: z
      .number()
      .min(0.1)
      .max(300)
      .default(10)
      .describe('How long to fuzz (default 10, at most 300)'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2147483647)
      .optional()
      .describe('Generator seed; the same seed gives the same inputs (default: random)'),
    timeout_ms: z
      .number()
      .int()
      .min(10)
      .max(60000)
      .optional()
      .describe('Per-run timeout (default: the task timeout, at most 2000)'),
  }),
  output: fuzzView,
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', duration_seconds: 1, seed: 42 },
  taskSupport: 'optional',
  async handler(args, ctx) {
    const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
    const { task, version, result } = await runQualityOnStoredTask(ctx.app, args.task_id, args.version, {
      kind: 'fuzz',
      durationMs: args.duration_seconds * 1000,
      seed,
      parallel: Math.min(2, availableParallelism()),
      ...(args.timeout_ms !== undefined ? { timeoutMs: args.timeout_ms } : {}),
    });
    return {
      task,
      version,
      seed: result.seed,
      lanes: result.lanes,
      runs: result.runs,
      runs_per_second: result.runsPerSecond,
      duration_ms: Math.round(result.durationMs),
      discarded: result.discarded,
      skipped_constraints: result.skippedConstraints,
      http: result.http,
      failures: result.failures.map((f, i) => {
        const tc = failureAsTestCase(f, i);
        return {
          kind: f.kind,
          type: f.type,
          message: f.message,
          line: f.line ?? null,
          input: f.input,
          shrinks: f.shrinks,
          test_case: { file: tc.file, content: tc.text },
        };
      }),
    };
  },
});

const generateTestCases = defineTool({
  name: 'ratchet_generate_test_cases',
  title: 'Generate edge-case tests',
  description:
    'Derives boundary and negative inputs from the input schema of a task version (default latest): each top-level property at and past its bounds, empty and longest strings and arrays, each enum value, optional properties left out, wrong types, missing required properties. ' +
    'Runs each input once (fetch answered by the test cases\u2019 mocks) and proposes a test case per input: the current output as expected_output (review it), the error of a valid input that failed (a likely bug), or ValidationError for an input the schema rejects. ' +
    'Returns the proposals with their file name and JSON content; nothing is saved (store the good ones with ratchet_create_test_case). Deterministic for a seed.',
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2147483647)
      .default(1)
      .describe('Seed of the generated values (default 1)'),
  }),
  output: z.object({
    task: z.string().describe('Task name'),
    version: z.string().describe('Version used'),
    seed: z.number().int().describe('Seed used'),
    proposals: z
      .array(
        z.object({
          name: z.string().describe('Case name'),
          kind: z
            .enum(['expected-output', 'unexpected-error', 'rejected-input'])
            .describe(
              'expected-output: completed (review the output); unexpected-error: a valid input failed; rejected-input: the schema rejects it',
            ),
          input: z.unknown().describe('The input'),
          error: z
            .unknown()
            .describe('The task error { type, message, location } for unexpected-error, else null'),
          file: z.string().describe('Suggested file under tests/'),
          content: z.string().describe('The test case as JSON text'),
        }),
      )
      .describe('One proposed case per generated input'),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', seed: 1 },
  async handler(args, ctx) {
    const { task, version, result } = await runQualityOnStoredTask(ctx.app, args.task_id, args.version, {
      kind: 'generate',
      seed: args.seed,
    });
    return {
      task,
      version,
      seed: result.seed,
      proposals: result.proposals.map((p) => ({ ...p, error: p.error ?? null })),
    };
  },
});

const debugTaskStep = defineTool({
  name: 'ratchet_debug_task_step',
  title: 'Breakpoint snapshots',
  description:
    'Runs a task version (default latest) once on `input` with breakpoints (`line:N`, or `function:NAME` for the first statement of that function) and records, at every hit, the values of the variables declared in scope (or only the `watch` expressions), the line and the call stack. ' +
    'Not interactive stepping: the run goes on after each hit, so the result is exact and deterministic; a loop records each iteration (up to max_hits). A breakpoint on a line without a statement moves to the next statement and says so. ' +
    'Returns the resolved breakpoints, the ordered hits (values as JSON text, cut at 300 characters) and the run\u2019s output or error; fetch is answered by the test cases\u2019 mocks or refused.',
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    input: z.record(z.string(), z.unknown()).describe('The task input'),
    breakpoints: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(20)
      .describe('Each "line:N" or "function:NAME"'),
    watch: z
      .array(z.string().min(1).max(500))
      .max(20)
      .default([])
      .describe('Expressions to record at each hit instead of the variables in scope'),
    max_hits: z.number().int().min(1).max(1000).default(100).describe('Hits recorded at most (default 100)'),
  }),
  output: z.object({
    task: z.string().describe('Task name'),
    version: z.string().describe('Version run'),
    breakpoints: z
      .array(
        z.object({
          spec: z.string().describe('As given'),
          line: z.number().int().describe('Line it stops at'),
          note: z.string().nullable().describe('Why it moved, when it did'),
        }),
      )
      .describe('The breakpoints as resolved'),
    hits: z
      .array(
        z.object({
          breakpoint: z.string().describe('Which breakpoint'),
          line: z.number().int().describe('Line'),
          values: z
            .record(z.string(), z.string())
            .describe('Variable or watch expression → value as JSON text'),
          stack: z.array(z.string()).describe('Call stack, innermost first ("at fn (main.js:LINE)")'),
        }),
      )
      .describe('Every hit in order'),
    dropped_hits: z.number().int().describe('Hits not recorded after max_hits'),
    status: z.enum(['COMPLETED', 'FAILED']).describe('How the run ended'),
    output: z.unknown().describe('The output when it completed, else null'),
    error: z.unknown().describe('The error { type, message, location } when it failed, else null'),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', input: { num1: 2, num2: 3 }, breakpoints: ['line:2'] },
  async handler(args, ctx) {
    try {
      const { task, version, result } = await runQualityOnStoredTask(ctx.app, args.task_id, args.version, {
        kind: 'debug',
        input: args.input,
        breakpoints: args.breakpoints,
        watch: args.watch,
        maxHits: args.max_hits,
      });
      return {
        task,
        version,
        breakpoints: result.breakpoints.map((b) => ({ ...b, note: b.note ?? null })),
        hits: result.hits,
        dropped_hits: result.droppedHits,
        status: result.status,
        output: result.output ?? null,
        error: result.error ?? null,
      };
    } catch (e) {
      if (e instanceof QualityInputError) throw new ToolInputError(e.message);
      throw e;
    }
  },
});

export const qualityTools = [analyzeTestCoverage, generateTestCases, fuzzTestTask, debugTaskStep];
