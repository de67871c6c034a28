// Tool groups that mcp.tools.enable_* switch off, and the tools that start task runs (counted by
// mcp.rate_limit.execute_per_minute and mcp.security.request_limits.max_concurrent_executions_per_client).
// Tools in no group (task development, registry, docs) are always offered. groups.test.ts checks
// every name here is a real tool, so a renamed tool cannot silently escape its switch.
import type { RatchetConfig } from '../../../config/schema.ts';

type ToolSwitches = Omit<RatchetConfig['mcp']['tools'], 'toolsets'>;

export const TOOL_GROUPS: Record<keyof ToolSwitches, readonly string[]> = {
  enable_execution: [
    'ratchet_execute_task',
    'ratchet_batch_execute',
    'ratchet_create_job',
    'ratchet_create_jobs',
    'ratchet_retry_execution',
    'ratchet_trigger_schedule',
    'ratchet_cancel_execution',
    'ratchet_benchmark_task',
    'ratchet_start_workflow',
    'ratchet_cancel_workflow_run',
    'ratchet_retry_workflow_step',
    'ratchet_resolve_workflow_step',
  ],
  enable_logging: ['ratchet_get_execution_logs', 'ratchet_get_execution_trace'],
  enable_monitoring: [
    'ratchet_get_execution_status',
    'ratchet_list_executions',
    'ratchet_list_jobs',
    'ratchet_list_schedules',
    'ratchet_get_job_status',
    'ratchet_get_task_metrics',
    'ratchet_system_health',
    'ratchet_registry_health',
    'ratchet_get_workflow_run',
  ],
  enable_debugging: [
    'ratchet_analyze_execution_error',
    'ratchet_debug_task_execution',
    'ratchet_debug_task_step',
    'ratchet_replay_execution',
    'ratchet_get_execution_profile',
  ],
};

/** Tools that run a task now or put one on the queue. */
export const EXECUTE_TOOLS: ReadonlySet<string> = new Set([
  'ratchet_execute_task',
  'ratchet_batch_execute',
  'ratchet_create_job',
  'ratchet_create_jobs',
  'ratchet_retry_execution',
  'ratchet_trigger_schedule',
  'ratchet_start_workflow',
  'ratchet_retry_workflow_step',
]);

/** The mcp.tools switch that turned `name` off, or undefined when the tool is offered. See also toolsets.ts (what is listed). */
export function disabledBy(switches: ToolSwitches, name: string): keyof ToolSwitches | undefined {
  for (const [key, names] of Object.entries(TOOL_GROUPS) as [keyof ToolSwitches, readonly string[]][]) {
    if (!switches[key] && names.includes(name)) return key;
  }
  return undefined;
}
