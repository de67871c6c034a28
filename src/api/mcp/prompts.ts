// Prompts: the two workflows the LLM task guide teaches, as ready-made conversations that name the
// exact tools to call in order.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';

export function developTaskText(goal: string, name?: string): string {
  const task = name ?? '<a short kebab-case name>';
  return `Develop a Ratchet task that does this: ${goal}

Work through these steps with the Ratchet MCP tools, checking each result before going on:
1. ratchet_list_available_tasks (include_schemas: true) — reuse or copy an existing task if one fits.
2. ratchet_create_task — name "${task}", main.js as \`(function (input, context) { ... })\` returning a JSON object, an input_schema and output_schema (JSON Schema) describing exactly the fields used, and test_cases with expected outputs. For HTTP calls use fetch(url, { method, headers, body }) and check response.ok; add mocked HTTP responses to the tests.
3. ratchet_validate_task — fix every reported problem (file, line and JSON path are given) with ratchet_edit_task.
4. ratchet_run_task_tests — make every test pass.
5. ratchet_execute_task with a realistic input (trace: true). On failure call ratchet_analyze_execution_error with the execution_id and apply its suggested fixes; ratchet_get_execution_logs and ratchet_get_execution_trace show console output and HTTP calls.
6. ratchet_create_task_version once it works, so the working code is kept as a version.
7. If it must run regularly, ratchet_schedule_task with a cron expression, then ratchet_list_executions to see the scheduled runs.`;
}

export function debugExecutionText(executionId: string): string {
  return `Find out why Ratchet execution ${executionId} failed and fix the task.

1. ratchet_analyze_execution_error { execution_id: "${executionId}", include_suggestions: true, include_context: true } — read the error class, the failing schema paths, the failed HTTP call and the code lines.
2. ratchet_get_execution_logs { execution_id: "${executionId}" } and ratchet_get_execution_trace { execution_id: "${executionId}", include_http_calls: true } for the details the analysis points at.
3. Fix the cause with ratchet_edit_task (code or schemas), then ratchet_validate_task and ratchet_run_task_tests.
4. ratchet_retry_execution { execution_id: "${executionId}" } or ratchet_execute_task with the same input to confirm the fix.`;
}

export function registerPrompts(mcp: McpServer): void {
  mcp.registerPrompt(
    'develop_task',
    {
      title: 'Develop a task',
      description:
        'The task development workflow (create, validate, test, run, debug, version, schedule) for a goal',
      argsSchema: z.object({
        goal: z.string().min(1).describe('What the task should do, in plain words'),
        name: z.string().optional().describe('The task name to use (kebab-case)'),
      }),
    },
    ({ goal, name }) => ({
      description: `Develop a Ratchet task: ${goal}`,
      messages: [{ role: 'user', content: { type: 'text', text: developTaskText(goal, name) } }],
    }),
  );
  mcp.registerPrompt(
    'debug_execution',
    {
      title: 'Debug an execution',
      description: 'Diagnose a failed execution and fix its task',
      argsSchema: z.object({ execution_id: z.string().min(1).describe('The execution id or UUID') }),
    },
    ({ execution_id }) => ({
      description: `Debug execution ${execution_id}`,
      messages: [{ role: 'user', content: { type: 'text', text: debugExecutionText(execution_id) } }],
    }),
  );
}
