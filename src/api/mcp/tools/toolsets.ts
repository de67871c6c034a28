// Toolsets: which tools tools/list shows. A model reads every listed tool's name, description and
// input schema on every turn, so the default set is the agent's loop (find a task, edit it on
// disk or in the store, test it, run it, read what happened) and the rest is listed on demand:
// `--toolsets a,b|all` or mcp.tools.toolsets choose at start, ratchet_enable_toolset at run time.
// A tool outside the listed sets still answers tools/call by name (so nothing breaks for a client
// that knows it); the mcp.tools.enable_* switches (groups.ts) are different: they remove tools.
// FOLDED tools are in no toolset: each is covered by a listed tool with a mode, and keeps answering
// tools/call under its own name. groups.test.ts-style checks live in toolsets.test.ts.

export const TOOLSETS = {
  tasks: {
    description: 'Find, read, create and change tasks (in the store or as folders on disk)',
    tools: [
      'ratchet_list_available_tasks',
      'ratchet_get_task_info',
      'ratchet_create_task',
      'ratchet_edit_task',
      'ratchet_list_task_files',
      'ratchet_read_task_file',
      'ratchet_write_task_file',
    ],
  },
  testing: {
    description: 'Validate tasks and inputs, run and add test cases',
    tools: [
      'ratchet_validate_task',
      'ratchet_validate_task_input',
      'ratchet_validate_task_output',
      'ratchet_run_task_tests',
      'ratchet_create_test_case',
    ],
  },
  execution: {
    description: 'Run a task now and read what a run did: status, logs, trace, diagnosis',
    tools: [
      'ratchet_execute_task',
      'ratchet_get_execution_status',
      'ratchet_get_execution_logs',
      'ratchet_get_execution_trace',
      'ratchet_analyze_execution_error',
    ],
  },
  development: {
    description:
      'Versions, backups, lint, templates, OpenAPI, test generation, coverage, fuzzing, debugging, profiles, replays',
    tools: [
      'ratchet_delete_task',
      'ratchet_clone_task',
      'ratchet_list_task_versions',
      'ratchet_compare_task_versions',
      'ratchet_backup_task',
      'ratchet_list_task_backups',
      'ratchet_restore_task_backup',
      'ratchet_lint_task_code',
      'ratchet_list_templates',
      'ratchet_generate_from_template',
      'ratchet_generate_task_from_openapi',
      'ratchet_generate_test_cases',
      'ratchet_analyze_test_coverage',
      'ratchet_fuzz_test_task',
      'ratchet_compare_with_baseline',
      'ratchet_debug_task_execution',
      'ratchet_debug_task_step',
      'ratchet_get_execution_profile',
      'ratchet_replay_execution',
      'ratchet_benchmark_task',
      'ratchet_get_developer_integration_guide',
      'ratchet_get_developer_endpoint_reference',
    ],
  },
  jobs: {
    description: 'The job queue, schedules, past executions and stored results',
    tools: [
      'ratchet_create_job',
      'ratchet_create_jobs',
      'ratchet_batch_execute',
      'ratchet_get_job_status',
      'ratchet_list_jobs',
      'ratchet_list_executions',
      'ratchet_cancel_execution',
      'ratchet_retry_execution',
      'ratchet_schedule_task',
      'ratchet_update_schedule',
      'ratchet_trigger_schedule',
      'ratchet_delete_schedule',
      'ratchet_list_schedules',
      'ratchet_store_result',
      'ratchet_get_results',
      'ratchet_get_task_metrics',
    ],
  },
  workflows: {
    description:
      'Workflows (DAGs of tasks): save and validate definitions, start runs, follow, retry and resolve steps',
    tools: [
      'ratchet_save_workflow',
      'ratchet_validate_workflow',
      'ratchet_start_workflow',
      'ratchet_get_workflow_run',
      'ratchet_cancel_workflow_run',
      'ratchet_retry_workflow_step',
      'ratchet_resolve_workflow_step',
    ],
  },
  registry: {
    description: 'Task sources, import and export, system health',
    tools: [
      'ratchet_discover_tasks',
      'ratchet_sync_registry',
      'ratchet_registry_health',
      'ratchet_import_tasks',
      'ratchet_export_tasks',
      'ratchet_system_health',
    ],
  },
  processes: {
    description:
      'Supervised processes from a .runcept.toml (mock APIs, databases, workers): activate environments, start and stop processes, read their logs and health (admin only)',
    tools: [
      'ratchet_activate_environment',
      'ratchet_deactivate_environment',
      'ratchet_list_environments',
      'ratchet_get_environment_status',
      'ratchet_start_process',
      'ratchet_stop_process',
      'ratchet_restart_process',
      'ratchet_list_processes',
      'ratchet_get_process_logs',
      'ratchet_get_process_status',
      'ratchet_list_all_processes',
      'ratchet_kill_all_processes',
    ],
  },
  operations: {
    description:
      'Server operations: pause and resume the job queue on every worker, delete finished jobs (admin only)',
    tools: ['ratchet_get_queue_state', 'ratchet_set_queue_paused', 'ratchet_clear_jobs'],
  },
} as const satisfies Record<string, { description: string; tools: readonly string[] }>;

export type ToolsetName = keyof typeof TOOLSETS;
export const TOOLSET_NAMES = Object.keys(TOOLSETS) as ToolsetName[];

/**
 * Listed only when named, never by `all`: the process tools run commands from project files (admin
 * only), the operations tools stop or empty the queue for every worker (admin only), and either
 * would push `all` past its tools/list budget (budget.test.ts).
 */
export const OPT_IN_TOOLSETS: readonly ToolsetName[] = ['processes', 'operations'];

/** What `all` lists. */
export const ALL_TOOLSETS: readonly ToolsetName[] = TOOLSET_NAMES.filter((n) => !OPT_IN_TOOLSETS.includes(n));

/** Listed when neither --toolsets nor mcp.tools.toolsets says otherwise. */
export const DEFAULT_TOOLSETS: readonly ToolsetName[] = ['tasks', 'testing', 'execution'];

/** Listed whatever the toolsets: how a client grows its list. */
export const ALWAYS_LISTED = ['ratchet_list_toolsets', 'ratchet_enable_toolset'] as const;

/** Unlisted tools covered by a listed one (name → the listed tool and how). Callable by name. */
export const FOLDED: Readonly<Record<string, string>> = {
  ratchet_update_task_code: 'ratchet_edit_task with code',
  ratchet_update_task_schemas: 'ratchet_edit_task with input_schema / output_schema',
  ratchet_update_task_metadata:
    'ratchet_write_task_file with metadata.json (or ratchet_edit_task for description and tags)',
  ratchet_create_task_version: 'ratchet_edit_task with new_version',
  ratchet_run_single_test: 'ratchet_run_task_tests with test_names, or with a draft test_case',
};

/** Parses `a,b` / `all` (the flag) or a list (the config); throws naming the known toolsets. */
export function parseToolsets(value: string | readonly string[]): ToolsetName[] {
  const names = (typeof value === 'string' ? value.split(',') : [...value])
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.includes('all')) {
    return [...ALL_TOOLSETS, ...OPT_IN_TOOLSETS.filter((n) => names.includes(n))];
  }
  const unknown = names.filter((n) => !(n in TOOLSETS));
  if (unknown.length > 0) {
    throw new Error(`unknown toolset ${unknown.join(', ')}; known: ${TOOLSET_NAMES.join(', ')}, all`);
  }
  return names as ToolsetName[];
}

/** The toolset a tool is listed in, if any. */
export function toolsetOf(name: string): ToolsetName | undefined {
  return TOOLSET_NAMES.find((t) => (TOOLSETS[t].tools as readonly string[]).includes(name));
}
