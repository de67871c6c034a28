// The output contract, through the official client: every tool listed by tools/list is called on
// success and, where it runs or reads a task run, on each way a run fails (input violation, output
// violation, thrown error, timeout, HTTP error). The client checks every structured answer against
// the tool's declared output schema and throws when it does not match; a tool error must be one a
// model can act on, never INTERNAL_ERROR. A tool missing from COVERAGE fails the test, so a new
// tool cannot go unchecked. One server and one fixture for all calls (a 2-core machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { startWorkers, type Ratchet } from '../../app.ts';
import { listExecutionPage } from '../../services/executions.ts';
import { ALL_TOOLS } from './tools/index.ts';
import { FOLDED } from './tools/toolsets.ts';
import { saveWorkflow, startWorkflow, waitForRun } from '../../services/workflows/index.ts';
import { SAMPLE_TASKS, withMcpHttp } from './test-helpers.ts';
import {
  FAILURE_KINDS,
  KINDS,
  driftedExecution,
  inputsFor,
  notFoundServer,
  saveProbeTasks,
  type Fixture,
  type Kind,
} from './output-contract-fixture.ts';

type Args = Record<string, unknown>;
interface Env {
  f: Fixture;
  app: Ratchet;
  client: Client;
}
/** Arguments for one kind; undefined when the tool has nothing to do with that kind. */
type ArgsFor = (kind: Kind, env: Env) => Args | undefined | Promise<Args | undefined>;

const probe = (extra: Args = {}): Args => ({ task_id: 'probe', ...extra });
const byExecution: ArgsFor = (k, { f }) => ({ execution_id: f.execution[k] });
const onceOnFailures: (args: Args) => ArgsFor = (args) => (k) => (k === 'success' ? args : undefined);

/** A spinning run of probe that is RUNNING now (for the one cancel that succeeds). */
async function runningExecution({ app, client }: Env): Promise<number> {
  const queued = await client.callTool({
    name: 'ratchet_create_job',
    arguments: probe({ input: { mode: 'spin' }, max_retries: 0, timeout: 30 }),
  });
  const jobId = (queued.structuredContent as { job: { job_id: number } }).job.job_id;
  for (;;) {
    const { rows } = await listExecutionPage(app, {
      filters: [
        { field: 'jobId', op: 'eq', value: jobId },
        { field: 'status', op: 'eq', value: 'RUNNING' },
      ],
    });
    if (rows[0]) return rows[0].id;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A run of a one-step workflow over probe in `mode`, once it is `status` (default: just started). */
async function probeRun({ app }: Env, mode: string, status?: string): Promise<number> {
  const name = `probe-${mode}`;
  const text = `name: ${name}\nversion: 1.0.0\nsteps:\n  - { name: p, task: probe, input: { mode: "'${mode}'" }, timeout: 30s }\n`;
  await saveWorkflow(app, { file: 'workflow.yaml', text });
  const run = await startWorkflow(app, { workflow: name, input: {} });
  if (status) await waitForRun(app, run.id);
  return run.id;
}

/**
 * Every tool: 'example' (success only: its documented example, in ALL_TOOLS order, which builds
 * on the previous examples), or the arguments to send for each kind.
 */
const COVERAGE: Record<string, 'example' | ArgsFor> = {
  ratchet_execute_task: (k, { f }) => probe({ input: f.input[k], trace: true }),
  ratchet_get_execution_status: byExecution,
  ratchet_get_execution_logs: (k, { f }) => ({ execution_id: f.execution[k], format: 'text' }),
  ratchet_get_execution_trace: byExecution,
  ratchet_list_available_tasks: 'example',
  ratchet_list_toolsets: 'example',
  // Over HTTP without mcp.allowed_roots: path tools refuse, lists are empty (processes.test.ts runs them for real).
  ratchet_activate_environment: 'example',
  ratchet_deactivate_environment: 'example',
  ratchet_list_environments: 'example',
  ratchet_get_environment_status: 'example',
  ratchet_start_process: 'example',
  ratchet_stop_process: 'example',
  ratchet_restart_process: 'example',
  ratchet_list_processes: 'example',
  ratchet_get_process_logs: 'example',
  ratchet_get_process_status: 'example',
  ratchet_list_all_processes: 'example',
  ratchet_get_queue_state: 'example',
  ratchet_set_queue_paused: 'example',
  ratchet_clear_jobs: 'example',
  ratchet_kill_all_processes: 'example',
  ratchet_enable_toolset: 'example',
  ratchet_get_task_metrics: onceOnFailures(probe()),
  ratchet_benchmark_task: (k, { f }) => probe({ input: f.input[k], runs: 1 }),
  ratchet_system_health: 'example',
  ratchet_list_executions: (k) => probe({ status: k === 'success' ? 'COMPLETED' : 'FAILED' }),
  ratchet_list_jobs: onceOnFailures(probe()),
  ratchet_list_schedules: 'example',
  ratchet_cancel_execution: async (k, env) =>
    k === 'success' ? { execution_id: await runningExecution(env) } : byExecution(k, env),
  ratchet_retry_execution: byExecution,
  ratchet_create_job: (k, { f }) => probe({ input: f.input[k], max_retries: 0 }),
  ratchet_create_jobs: (k, { f }) => probe({ jobs: [{ input: f.input[k], max_retries: 0 }] }),
  ratchet_get_job_status: (k, { f }) => ({ job_id: f.job[k], wait_seconds: 0 }),
  ratchet_schedule_task: 'example',
  ratchet_update_schedule: 'example',
  ratchet_trigger_schedule: 'example',
  ratchet_delete_schedule: 'example',
  ratchet_analyze_execution_error: byExecution,
  ratchet_debug_task_execution: (k, { f }) => probe({ input: f.input[k] }),
  ratchet_batch_execute: (k, { f }) => ({
    requests: [{ id: 'a', task_id: 'probe', input: f.input[k] }],
    stop_on_error: false,
  }),
  ratchet_create_task: 'example',
  ratchet_get_task_info: onceOnFailures(probe({ include_code: true, include_tests: true })),
  ratchet_edit_task: 'example',
  ratchet_delete_task: 'example',
  ratchet_clone_task: 'example',
  ratchet_list_task_files: 'example',
  ratchet_read_task_file: 'example',
  ratchet_write_task_file: 'example',
  ratchet_update_task_code: 'example',
  ratchet_update_task_schemas: 'example',
  ratchet_update_task_metadata: 'example',
  ratchet_create_task_version: 'example',
  ratchet_list_task_versions: 'example',
  ratchet_compare_task_versions: 'example',
  ratchet_backup_task: 'example',
  ratchet_list_task_backups: 'example',
  ratchet_restore_task_backup: 'example',
  // Its test cases are named after the kinds (one each), so this runs one failing case per kind.
  ratchet_validate_task: onceOnFailures(probe({ run_tests: true })),
  ratchet_run_task_tests: (k) => probe({ test_names: [k] }),
  ratchet_run_single_test: (k, { f }) =>
    probe({ test_case: { name: `case ${k}`, input: f.input[k], expected_output: { value: 1 } } }),
  ratchet_create_test_case: 'example',
  // Runs every case of probe (one per failure kind) under coverage.
  ratchet_analyze_test_coverage: onceOnFailures(probe()),
  ratchet_generate_test_cases: onceOnFailures(probe({ seed: 2 })),
  ratchet_compare_with_baseline: onceOnFailures(probe({ baseline_version: '1.0.0' })),
  ratchet_replay_execution: byExecution,
  // The successful execution is profiled by replaying it; each failure kind by running probe.
  ratchet_get_execution_profile: (k, env) =>
    k === 'success' ? byExecution(k, env) : k === 'timeout' ? undefined : probe({ input: env.f.input[k] }),
  ratchet_debug_task_step: (k, { f }) =>
    k === 'timeout' ? undefined : probe({ input: f.input[k], breakpoints: ['line:2'] }),
  // probe's input schema allows any mode, so a short fuzz run finds its DataError.
  ratchet_fuzz_test_task: onceOnFailures(probe({ duration_seconds: 1, seed: 1, timeout_ms: 200 })),
  ratchet_validate_task_input: (k, { f }) => probe({ input: f.input[k] }),
  ratchet_validate_task_output: (k) =>
    probe({ output: k === 'output_violation' ? { value: 'x', extra: 1 } : { value: 1 } }),
  ratchet_lint_task_code: 'example',
  ratchet_list_templates: 'example',
  ratchet_generate_from_template: 'example',
  ratchet_generate_task_from_openapi: 'example',
  ratchet_import_tasks: 'example',
  ratchet_export_tasks: onceOnFailures({ task_ids: ['probe'], include_files: true }),
  ratchet_store_result: (k, { f }) => ({ name: `probe/${k}`, data: { k }, execution_id: f.execution[k] }),
  ratchet_get_results: (k, { f }) => ({ execution_id: f.execution[k], include_data: true }),
  ratchet_discover_tasks: onceOnFailures({ path: SAMPLE_TASKS }),
  ratchet_sync_registry: 'example',
  ratchet_registry_health: 'example',
  ratchet_get_developer_endpoint_reference: 'example',
  ratchet_get_developer_integration_guide: 'example',
  ratchet_save_workflow: 'example',
  ratchet_validate_workflow: 'example',
  ratchet_start_workflow: 'example',
  ratchet_get_workflow_run: 'example',
  ratchet_cancel_workflow_run: async (k, env) =>
    k === 'success' ? { run_id: await probeRun(env, 'spin') } : undefined,
  ratchet_retry_workflow_step: async (k, env) =>
    k === 'success' ? { run_id: await probeRun(env, 'throw', 'FAILED'), step: 'p' } : undefined,
  ratchet_resolve_workflow_step: async (k, env) =>
    k === 'success'
      ? { run_id: await probeRun(env, 'throw', 'FAILED'), step: 'p', output: { value: 1 } }
      : undefined,
};

const READS_A_RUN = [
  'ratchet_get_execution_status',
  'ratchet_get_execution_logs',
  'ratchet_get_execution_trace',
  'ratchet_analyze_execution_error',
];

interface Outcome {
  isError?: boolean;
  structuredContent?: { error?: { code?: string } };
  content?: { text?: string }[];
}

/** The problem with one call, or undefined: the client threw, or a tool error is INTERNAL_ERROR. */
async function check(client: Client, name: string, args: Args): Promise<string | undefined> {
  let res: Outcome;
  try {
    res = (await client.callTool({ name, arguments: args })) as Outcome;
  } catch (err) {
    return `${name} ${JSON.stringify(args)}: the client rejected the answer: ${(err as Error).message}`;
  }
  if (!res.isError) return undefined;
  const code = res.structuredContent?.error?.code;
  if (code === undefined || code === 'INTERNAL_ERROR')
    return `${name} ${JSON.stringify(args)}: ${code ?? 'no error code'}: ${res.content?.[0]?.text}`;
  return undefined;
}

test('every tool answers inside its output schema on success and on every kind of failed run', async () => {
  const http = await notFoundServer();
  const inputs = inputsFor(http.url);
  let driftJob = 0;
  try {
    await withMcpHttp(
      async ({ app, connect }) => {
        const workers = await startWorkers(app);
        try {
          const client = await connect();
          // Folded tools are unlisted but answer by name; they are covered like the others.
          const listed = [...(await client.listTools()).tools.map((t) => t.name), ...Object.keys(FOLDED)];
          assert.deepEqual(
            listed.filter((n) => !(n in COVERAGE)),
            [],
            'tools without an entry in COVERAGE',
          );
          assert.deepEqual(
            Object.keys(COVERAGE).filter((n) => !listed.includes(n)),
            [],
            'COVERAGE names tools that are not listed',
          );
          const f: Fixture = {
            input: inputs,
            execution: {} as Fixture['execution'],
            job: {} as Fixture['job'],
          };
          // One recorded execution per kind: a synchronous run, and a job (the input violation
          // only exists as a job whose task changed under it).
          for (const k of KINDS) {
            const ran = await client.callTool({
              name: 'ratchet_execute_task',
              arguments: probe({ input: inputs[k] }),
            });
            const queued = await client.callTool({
              name: 'ratchet_create_job',
              arguments: probe({ input: inputs[k], max_retries: 0 }),
            });
            if (k === 'input_violation') {
              assert.equal(ran.isError, true, 'probe refuses the bad input before running');
              assert.equal(queued.isError, true, 'a job with bad input is refused');
              continue;
            }
            f.execution[k] = (ran.structuredContent as { execution_id: number }).execution_id;
            f.job[k] = (queued.structuredContent as { job: { job_id: number } }).job.job_id;
          }
          f.execution.input_violation = await driftedExecution(app, driftJob);
          f.job.input_violation = driftJob;
          const env: Env = { f, app, client };
          const problems: string[] = [];
          const calls: Record<string, number> = {};
          for (const def of ALL_TOOLS) {
            const spec = COVERAGE[def.name]!;
            const kinds = spec === 'example' ? (['success'] as const) : KINDS;
            for (const k of kinds) {
              const args = spec === 'example' ? (def.example as Args) : await spec(k, env);
              if (args === undefined) continue;
              calls[k] = (calls[k] ?? 0) + 1;
              const problem = await check(client, def.name, args);
              if (problem) problems.push(`[${k}] ${problem}`);
            }
          }
          // The 2026-07-28 protocol projects answers differently: the tools that read a
          // recorded run, once more per kind through a client pinned to it.
          const modern = await connect({ protocol: 'modern' });
          await modern.listTools();
          for (const name of READS_A_RUN)
            for (const k of KINDS) {
              const problem = await check(modern, name, { execution_id: f.execution[k] });
              if (problem) problems.push(`[${k}, 2026-07-28] ${problem}`);
            }
          assert.deepEqual(problems, []);
          // The schema checks' findings reach the model, keyword included.
          const analysed = await client.callTool({
            name: 'ratchet_analyze_execution_error',
            arguments: { execution_id: f.execution.output_violation },
          });
          const d = (
            analysed.structuredContent as { diagnosis: { phase: string; schema_violations: unknown[] } }
          ).diagnosis;
          assert.equal(d.phase, 'output');
          assert.deepEqual(d.schema_violations, [
            { path: '$.value', message: 'must be number (got string)', keyword: 'type' },
          ]);
          // Each failure kind really reached the tools that run or read task runs.
          for (const k of FAILURE_KINDS) assert.ok((calls[k] ?? 0) >= 15, `${k}: ${calls[k]} calls`);
        } finally {
          await workers.stop(5000);
        }
      },
      {
        http: { allowed_hosts: [http.hostPort] },
        mcp: { tools: { toolsets: ['all', 'processes', 'operations'] } },
      },
      ['addition', 'http-fetch'],
      async (app) => {
        driftJob = await saveProbeTasks(app, inputs);
      },
    );
  } finally {
    await http.close();
  }
});
