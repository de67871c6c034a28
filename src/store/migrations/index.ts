// The ordered list of migrations. Names sort lexically, so keep the three-digit prefix.
import type { Migration } from 'kysely';
import { initial } from './001_initial.ts';
import { results } from './002_results.ts';
import { mcpTasks } from './003_mcp_tasks.ts';
import { jobSecretInput } from './004_job_secret_input.ts';
import { scheduleSecretInput } from './005_schedule_secret_input.ts';
import { workflows } from './006_workflows.ts';
import { scheduleWorkflows } from './007_schedule_workflows.ts';
import { mcpSessions } from './008_mcp_sessions.ts';
import { executionDurationIndex } from './009_execution_duration_index.ts';
import { workflowRunDelivery } from './010_workflow_run_delivery.ts';
import { queueState } from './011_queue_state.ts';
import { workflowRunSteps } from './012_workflow_run_steps.ts';
import { partialJobIndexes } from './013_partial_job_indexes.ts';
import { workflowStepStates } from './014_workflow_step_states.ts';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001_initial': initial,
  '002_results': results,
  '003_mcp_tasks': mcpTasks,
  '004_job_secret_input': jobSecretInput,
  '005_schedule_secret_input': scheduleSecretInput,
  '006_workflows': workflows,
  '007_schedule_workflows': scheduleWorkflows,
  '008_mcp_sessions': mcpSessions,
  '009_execution_duration_index': executionDurationIndex,
  '010_workflow_run_delivery': workflowRunDelivery,
  '011_queue_state': queueState,
  '012_workflow_run_steps': workflowRunSteps,
  '013_partial_job_indexes': partialJobIndexes,
  '014_workflow_step_states': workflowStepStates,
};
