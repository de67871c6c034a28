// Quality tools for task authors (src/tasks/quality through services/quality.ts): coverage of the
// test suite, and the others as they land. Each runs the stored version in a worker thread.
import { z } from 'zod';
import { defineTool } from '../tool.ts';
import { runQualityOnStoredTask } from '../../../services/quality.ts';
import { RUNS_TASKS, atVersion, taskRef } from './dev-common.ts';
import { reportView, reportViewOf } from './test-report-view.ts';
import { coverageView, coverageViewOf } from './quality-views.ts';

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

export const qualityTools = [analyzeTestCoverage];
