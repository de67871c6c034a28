// Checking a stored task: validation report, its test cases (all, some, or one draft), adding a
// test case, and checking a value against the input or output schema. Test runs happen on a worker
// thread with each case's HTTP mocks, exactly as `ratchet test` runs them.
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import { testStoredTask, validateStoredTask } from '../../../services/task-checks.ts';
import {
  addTestCase,
  checkValueAgainstSchema,
  exactCaseFilter,
  runOneTest,
  type SchemaCheck,
} from '../../../services/task-dev.ts';
import { readTaskFiles } from '../../../services/task-edits.ts';
import { getTaskDetail } from '../../../services/tasks.ts';
import { allows } from '../../../services/roles.ts';
import { checkMainJs } from '../../../tasks/code-check.ts';
import { formatProblem } from '../../../tasks/types.ts';
import {
  CHANGES_STATE,
  READ_ONLY,
  RUNS_TASKS,
  atVersion,
  authorOf,
  newVersion,
  savedView,
  savedViewOf,
  taskRef,
} from './dev-common.ts';
import { fileForTitle, testCaseArg, testContentOf } from './test-case-arg.ts';
import { reportView, reportViewOf } from './test-report-view.ts';

const validateTask = defineTool({
  name: 'ratchet_validate_task',
  title: 'Validate a task',
  description:
    'Checks a task version: metadata, main.js syntax, schemas and test files, each problem as file:line:column; run_tests also runs the cases offline. Returns valid, errors, warnings, the checks and the test report.',
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    syntax_only: z.boolean().default(false).describe('Only check that main.js parses (fast)'),
    run_tests: z
      .boolean()
      .default(false)
      .describe('Also run the test cases, offline (needs run access; ignored with syntax_only)'),
  }),
  output: z.object({
    valid: z.boolean().describe('No errors (warnings allowed) and, with run_tests, no failing test'),
    task: z.string(),
    version: z.string(),
    errors: z.array(z.string()),
    warnings: z.array(z.string()),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
    tests: reportView.nullable(),
  }),
  // Read-only even with run_tests: the cases run offline and nothing is recorded.
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition', run_tests: true },
  async handler(args, ctx) {
    if (args.syntax_only) {
      const { task, version } = await readTaskFiles(ctx.app, args.task_id, args.version);
      const problems = checkMainJs(version.code).problems;
      return {
        valid: problems.length === 0,
        task: task.name,
        version: version.version,
        errors: problems.map(formatProblem),
        warnings: [],
        checks: [{ name: 'main.js', ok: problems.length === 0, detail: problems[0]?.message ?? 'parses' }],
        tests: null,
      };
    }
    // Validating only reads; running the test cases needs the same `run` access as ratchet_run_task_tests.
    if (args.run_tests && !allows(ctx.principal.role, 'run')) {
      throw new ToolInputError(
        `run_tests needs run access (operator role or higher); "${ctx.principal.role}" can validate without it`,
      );
    }
    const { task, version } = await readTaskFiles(ctx.app, args.task_id, args.version);
    const report = await validateStoredTask(ctx.app, task.id, version.version);
    const tests = args.run_tests
      ? reportViewOf(await testStoredTask(ctx.app, task.id, { version: version.version, offline: true }))
      : null;
    return {
      valid: report.ok && (tests === null || tests.failed + tests.errors === 0),
      task: task.name,
      version: version.version,
      errors: report.problems.filter((p) => p.severity === 'error').map(formatProblem),
      warnings: report.problems.filter((p) => p.severity === 'warning').map(formatProblem),
      checks: report.checks,
      tests,
    };
  },
});

const runTaskTests = defineTool({
  name: 'ratchet_run_task_tests',
  title: 'Run a task\u2019s tests',
  description:
    "Runs a task version's test cases (all or test_names), or one draft test_case without saving it, with their HTTP mocks. Returns the counts and per case the status, an expected/actual diff, the error and logs.",
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    test_names: z
      .array(z.string().min(1).max(200))
      .max(100)
      .optional()
      .describe(
        'Only these cases: a case name or its file name ("test-001" or "test-001.json"); default all',
      ),
    stop_on_failure: z.boolean().default(false).describe('Stop after the first case that does not pass'),
    test_case: testCaseArg
      .optional()
      .describe('Instead: a draft case to run alone, not saved (store it with ratchet_create_test_case)'),
  }),
  output: reportView,
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition' },
  async handler(args, ctx) {
    if (args.test_case) {
      if (args.test_names?.length) throw new ToolInputError('give test_names or a draft test_case, not both');
      const draft = { draft: testContentOf(args.test_case) };
      return reportViewOf(await runOneTest(ctx.app, args.task_id, draft, args.version));
    }
    const report = await testStoredTask(ctx.app, args.task_id, {
      version: args.version,
      bail: args.stop_on_failure,
      filter: args.test_names && args.test_names.length > 0 ? exactCaseFilter(args.test_names) : undefined,
    });
    return reportViewOf(report);
  },
});

const runSingleTest = defineTool({
  name: 'ratchet_run_single_test',
  title: 'Run one test case',
  description:
    'Runs one test case: a stored one by test_name, or a draft test_case (not saved). Returns the case result with diff, error and logs.',
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    test_name: z.string().min(1).max(200).optional().describe('A stored case: its name or file name'),
    test_case: testCaseArg.optional().describe('A draft case to run without saving it'),
  }),
  output: reportView,
  annotations: RUNS_TASKS,
  access: 'run',
  example: {
    task_id: 'addition',
    test_case: { name: 'draft', input: { a: 2, b: 2 }, expected_output: { sum: 4 } },
  },
  async handler(args, ctx) {
    if ((args.test_name === undefined) === (args.test_case === undefined)) {
      throw new ToolInputError('give exactly one of test_name (a stored case) or test_case (a draft to run)');
    }
    const which = args.test_case ? { draft: testContentOf(args.test_case) } : { name: args.test_name! };
    return reportViewOf(await runOneTest(ctx.app, args.task_id, which, args.version));
  },
});

const createTestCase = defineTool({
  name: 'ratchet_create_test_case',
  title: 'Add a test case',
  description:
    'Stores a test case as tests/<file>.json in a NEW version (the same title replaces it) and runs it unless run is false. Returns the version created, the file and the result.',
  input: z.object({
    task_id: taskRef,
    test_case: testCaseArg,
    new_version: newVersion,
    run: z.boolean().default(true).describe('Run the stored case afterwards (default true)'),
  }),
  output: savedView.extend({ file: z.string(), result: reportView.nullable() }),
  // With run (default) the new case runs, and a case with allow_network reaches the network.
  annotations: { ...CHANGES_STATE, openWorldHint: true },
  access: 'write',
  example: {
    task_id: 'addition',
    test_case: { name: 'adds-negatives', input: { a: -1, b: -2 }, expected_output: { sum: -3 } },
  },
  async handler(args, ctx) {
    const base = await getTaskDetail(ctx.app, args.task_id);
    const file = fileForTitle(args.test_case.name, base.version?.tests ?? []);
    const saved = await addTestCase(
      ctx.app,
      base.id,
      file,
      testContentOf(args.test_case),
      authorOf(ctx),
      args.new_version,
    );
    // By file: two cases may share a title; the file is this one.
    const result = args.run
      ? reportViewOf(await runOneTest(ctx.app, saved.task.id, { name: file }, saved.version.version))
      : null;
    return { ...savedViewOf(saved), file: saved.file, result };
  },
});

const schemaCheckOutput = z.object({
  task: z.string(),
  version: z.string(),
  has_schema: z.boolean().describe('False when the task has no such schema (any value is accepted)'),
  valid: z.boolean(),
  violations: z.array(z.object({ path: z.string(), message: z.string(), keyword: z.string() })),
});

const validateTaskInput = defineTool({
  name: 'ratchet_validate_task_input',
  title: 'Check an input against a task\u2019s input schema',
  description:
    "Checks an input against a task's input schema without running anything; use it before ratchet_execute_task. Returns has_schema, valid and each violation with its JSON path.",
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    input: z.unknown().describe('The input value to check'),
  }),
  output: schemaCheckOutput,
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition', input: { a: 1, b: 2 } },
  async handler(args, ctx) {
    return schemaCheckViewOf(
      await checkValueAgainstSchema(ctx.app, args.task_id, 'input', args.input, args.version),
    );
  },
});

const validateTaskOutput = defineTool({
  name: 'ratchet_validate_task_output',
  title: 'Check a value against a task\u2019s output schema',
  description:
    "Checks a value against a task's output schema, e.g. a test case's expected_output. Returns has_schema, valid and each violation with its JSON path.",
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    output: z.unknown().describe('The output value to check'),
  }),
  output: schemaCheckOutput,
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition', output: { sum: 3 } },
  async handler(args, ctx) {
    return schemaCheckViewOf(
      await checkValueAgainstSchema(ctx.app, args.task_id, 'output', args.output, args.version),
    );
  },
});

function schemaCheckViewOf(r: SchemaCheck): z.input<typeof schemaCheckOutput> {
  return {
    task: r.task,
    version: r.version,
    has_schema: r.hasSchema,
    valid: r.valid,
    violations: [...r.violations],
  };
}

export const taskTestingTools = [
  validateTask,
  runTaskTests,
  runSingleTest,
  createTestCase,
  validateTaskInput,
  validateTaskOutput,
];
