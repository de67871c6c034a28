// Explaining failures: a diagnosis of a failed execution, and a fully traced run for debugging.
import { z } from 'zod';
import { getExecutionRecord } from '../../../services/executions.ts';
import { subjectOfExecution } from '../../../services/execution-context.ts';
import { defineTool } from '../tool.ts';
import { READ_ONLY, RUNS_TASKS, executionId, executionView, taskInput, taskRef, viewOf } from './common.ts';
import { diagnose, inputDiagnosis } from '../../../services/diagnosis.ts';
import { ValidationError } from '../../../services/errors.ts';
import { runNow, timeoutMs } from './execution.ts';
import { httpCall, logsOf, timelineOf } from '../../../services/execution-trace.ts';
import { httpCallView, logEntry, timelineEntry } from './trace-view.ts';

const diagnosisView = z.object({
  error_type: z.string().describe('The error class, e.g. TypeError, HttpError, ValidationError'),
  message: z.string(),
  usual_cause: z.string().describe('What this error class usually means'),
  phase: z
    .enum(['input', 'run', 'output', 'cancelled'])
    .describe('Where it failed: input check, the code, output check'),
  location: z
    .object({ file: z.string(), line: z.number().int(), column: z.number().int().nullable() })
    .nullable(),
  schema_violations: z
    .array(
      z.object({
        path: z.string().describe('JSON path of the failing value, e.g. $.items[2].price'),
        message: z.string().describe('What is wrong there'),
        keyword: z
          .string()
          .optional()
          .describe('The JSON Schema keyword that failed (required, type, enum, …), when known'),
      }),
    )
    .describe('Failing JSON paths'),
  failed_http_call: httpCallView.nullable().describe('The last HTTP call that failed or got status ≥ 400'),
  code_context: z
    .array(z.object({ line: z.number().int(), text: z.string(), failing: z.boolean() }))
    .describe('main.js lines around the failing line'),
  suggestions: z.array(z.string()).describe('Concrete fixes, most specific first'),
});

export const analyzeExecutionError = defineTool({
  name: 'ratchet_analyze_execution_error',
  title: 'Analyse a failed execution',
  description:
    'Diagnoses a failed execution: error class and usual cause, phase, failing schema paths, failed HTTP call, main.js lines, suggested fixes. Returns failed and the diagnosis.',
  input: z.object({
    execution_id: executionId,
    include_suggestions: z.boolean().default(true).describe('Add suggested fixes'),
    include_context: z
      .boolean()
      .default(true)
      .describe('Add the input, the last log lines and the code lines'),
  }),
  output: z.object({
    execution_id: z.number().int(),
    task: z.string(),
    task_version: z.string(),
    status: z.string(),
    failed: z.boolean(),
    diagnosis: diagnosisView.nullable(),
    input: z.unknown().optional(),
    last_logs: z.array(logEntry).optional().describe('The last 20 console lines before the failure'),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { execution_id: 1, include_suggestions: true },
  async handler(args, ctx) {
    const e = await getExecutionRecord(ctx.app, args.execution_id);
    const { task, version } = await subjectOfExecution(ctx.app, e);
    const d = diagnose(e, version, args.include_suggestions);
    if (d && !args.include_context) d.code_context = [];
    return {
      execution_id: e.id,
      task: task.name,
      task_version: version.version,
      status: e.status,
      failed: d !== null,
      diagnosis: d,
      ...(args.include_context ? { input: e.input, last_logs: logsOf(e).slice(-20) } : {}),
    };
  },
});

export const debugTaskExecution = defineTool({
  name: 'ratchet_debug_task_execution',
  title: 'Run a task with full tracing',
  description:
    'Runs a task now with full tracing: output or error with a diagnosis, console lines, HTTP calls and a timeline. Returns all of it at once.',
  input: z.object({
    task_id: taskRef,
    input: taskInput,
    version: z.string().optional().describe('Version to run (default latest)'),
    timeout: z.number().positive().optional().describe('Time limit in seconds'),
  }),
  output: z.object({
    execution: executionView
      .nullable()
      .describe('The recorded run; null when the input was refused before running'),
    validated_input: z
      .unknown()
      .describe(
        'The input after validation against the input schema, as the task received it, with writeOnly fields shown as ********',
      ),
    diagnosis: diagnosisView.nullable(),
    logs: z.array(logEntry),
    http_calls: z.array(httpCallView),
    timeline: z.array(timelineEntry),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', input: { num1: 2, num2: 'three' } },
  async handler(args, ctx) {
    let e;
    try {
      e = await runNow(ctx, {
        task: args.task_id,
        version: args.version,
        input: args.input,
        timeoutMs: timeoutMs(ctx.app, args.timeout),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Refused input is a finding here, not a failure of the tool.
      return {
        execution: null,
        validated_input: null,
        diagnosis: inputDiagnosis(err.message, err.violations),
        logs: [],
        http_calls: [],
        timeline: [],
      };
    }
    const { version } = await subjectOfExecution(ctx.app, e);
    return {
      execution: await viewOf(ctx.app, e),
      validated_input: e.input,
      diagnosis: diagnose(e, version, true),
      logs: logsOf(e),
      http_calls: (e.http ?? []).map((x) => httpCall(x, true)),
      timeline: timelineOf(e),
    };
  },
});

export const analysisTools = [analyzeExecutionError, debugTaskExecution];
