// ratchet_get_execution_profile: the MCP face of a run's profile (quality/profile.ts, the same core
// as `run-once --profile --trace`), on a stored task version and an input, or on a past execution
// replayed with its recorded HTTP; run in a quality thread through services/quality.ts.
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import { profileStoredExecution, runQualityOnStoredTask } from '../../../services/quality.ts';
import type { ProfileJobResult } from '../../../quality/profile-job.ts';
import { RUNS_TASKS, atVersion } from './dev-common.ts';
import { executionId, taskRef } from './common.ts';

const ms = z.number().describe('Milliseconds');

const profileView = z.object({
  total_ms: ms,
  load_ms: ms.describe('Sandbox instance, context restore and evaluating main.js (compile + top-level code)'),
  input_validation_ms: ms.describe('Checking the input against input.schema.json'),
  guest_ms: ms.describe(
    'The guest’s own time: parsing its input, the task function, serialising its output, minus fetches and timer waits',
  ),
  fetch_ms: ms.describe('Sum of the fetches'),
  timer_wait_ms: ms.describe('Time waiting for setTimeout timers'),
  output_validation_ms: ms.describe('Output limits and output.schema.json'),
  host_ms: ms.describe('The rest of total_ms: the host’s own work between phases (redacting the record)'),
  phases: z
    .array(z.object({ phase: z.string(), start_ms: ms, duration_ms: ms }))
    .describe(
      'Each phase in order: input-validation, instance, prepare (new instance only), restore, load, input, run, output, output-validation',
    ),
  fetches: z
    .array(
      z.object({
        method: z.string(),
        url: z.string(),
        status: z.number().int().nullable().describe('Null when the request failed'),
        error: z.string().nullable(),
        start_ms: ms.describe('From the start of the run (ms resolution)'),
        duration_ms: ms,
      }),
    )
    .describe('Every fetch in order'),
  memory: z
    .object({
      heap_start_bytes: z.number().int().describe('QuickJS heap of the pristine context'),
      peak_heap_bytes: z
        .number()
        .int()
        .describe('Largest heap seen (sampled at QuickJS interrupt checks and phase ends)'),
      peak_task_bytes: z.number().int().describe('Peak minus start: what the task allocated at most'),
      heap_end_bytes: z.number().int(),
      wasm_memory_bytes: z.number().int().describe('The sandbox’s WebAssembly memory at the end'),
    })
    .nullable()
    .describe('Null when the input was rejected before the sandbox ran'),
});

const profileExecution = defineTool({
  name: 'ratchet_get_execution_profile',
  title: 'Profile a run',
  description:
    "Runs a task once and reports where its time went: loading, validation, guest code, each fetch, timer waits, peak heap, with a time-ordered trace. Give task_id and input (fetch from the cases' mocks, optionally delayed, or live) or execution_id (replayed from its recorded HTTP). Returns the status, output or error, the profile and the trace.",
  input: z.object({
    task_id: taskRef
      .optional()
      .describe(
        'The task: its numeric id, UUID or name (e.g. "addition"), run on `input`; or give execution_id instead',
      ),
    execution_id: executionId
      .optional()
      .describe('A finished execution to profile by replaying it; or give task_id'),
    version: atVersion,
    input: z.record(z.string(), z.unknown()).optional().describe('The task input (with task_id; default {})'),
    network: z
      .enum(['mocks', 'live'])
      .default('mocks')
      .describe('With task_id: "mocks" (the test cases’ mocks; default) or "live" (real requests)'),
    simulate_network_delay_ms: z
      .number()
      .int()
      .min(0)
      .max(60000)
      .optional()
      .describe('With network "mocks": hold each mocked answer back this long'),
  }),
  output: z.object({
    task: z.string().describe('Task name'),
    version: z.string().describe('Version run'),
    source: z.string().describe('"input", or "execution N" for a replayed execution'),
    status: z.enum(['COMPLETED', 'FAILED']),
    output: z.unknown().describe('The output when it completed, else null'),
    error: z.object({ type: z.string(), message: z.string() }).nullable(),
    http: z.string().describe('Where fetches were answered from'),
    replay_mismatches: z.array(z.string()).describe('Replays: requests the recording did not have next'),
    profile: profileView,
    trace: z
      .array(z.object({ at_ms: ms, kind: z.string(), summary: z.string() }))
      .describe('Time-ordered events: start, phase, log, http, progress, end'),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', input: { num1: 2, num2: 3 } },
  async handler(args, ctx) {
    if ((args.task_id === undefined) === (args.execution_id === undefined)) {
      throw new ToolInputError('give either task_id (with input) or execution_id');
    }
    if (args.execution_id !== undefined) {
      if (args.input !== undefined || args.simulate_network_delay_ms !== undefined) {
        throw new ToolInputError(
          'execution_id replays the recorded input and HTTP: drop input and simulate_network_delay_ms',
        );
      }
      const done = await profileStoredExecution(ctx.app, args.execution_id, args.version);
      return view(done.task, done.version, `execution ${done.executionId}`, done.result);
    }
    if (args.network === 'live' && args.simulate_network_delay_ms !== undefined) {
      throw new ToolInputError(
        'simulate_network_delay_ms delays mocked answers; it does not apply to network "live"',
      );
    }
    const done = await runQualityOnStoredTask(ctx.app, args.task_id!, args.version, {
      kind: 'profile',
      source: {
        input: args.input ?? {},
        network: args.network,
        ...(args.simulate_network_delay_ms !== undefined ? { delayMs: args.simulate_network_delay_ms } : {}),
      },
    });
    return view(done.task, done.version, 'input', done.result);
  },
});

function view(task: string, version: string, source: string, r: ProfileJobResult) {
  const p = r.profile;
  return {
    task,
    version,
    source,
    status: r.result.status,
    output: r.result.status === 'COMPLETED' ? (r.result.output ?? null) : null,
    error: r.result.error ? { type: r.result.error.type, message: r.result.error.message } : null,
    http: r.http,
    replay_mismatches: r.replayMismatches,
    profile: {
      total_ms: p.totalMs,
      load_ms: p.summary.loadMs,
      input_validation_ms: p.summary.inputValidationMs,
      guest_ms: p.summary.guestMs,
      fetch_ms: p.summary.fetchMs,
      timer_wait_ms: p.summary.timerWaitMs,
      output_validation_ms: p.summary.outputValidationMs,
      host_ms: p.summary.hostMs,
      phases: p.phases.map((ph) => ({ phase: ph.phase, start_ms: ph.startMs, duration_ms: ph.durationMs })),
      fetches: p.fetches.map((f) => ({
        method: f.method,
        url: f.url,
        status: f.status,
        error: f.error,
        start_ms: f.startMs,
        duration_ms: f.durationMs,
      })),
      memory: p.memory && {
        heap_start_bytes: p.memory.heapStartBytes,
        peak_heap_bytes: p.memory.peakHeapBytes,
        peak_task_bytes: p.memory.peakTaskBytes,
        heap_end_bytes: p.memory.heapEndBytes,
        wasm_memory_bytes: p.memory.wasmMemoryBytes,
      },
    },
    trace: r.trace,
  };
}

export const profileTools = [profileExecution];
