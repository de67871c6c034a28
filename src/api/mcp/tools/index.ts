// Every MCP tool, in the order clients list them. One import line per group file.
import type { ToolDefinition } from '../tool.ts';
import { executionTools } from './execution.ts';
import { catalogTools } from './catalog.ts';
import { listTools } from './lists.ts';
import { controlTools } from './control.ts';
import { jobsBatchTools } from './jobs-batch.ts';
import { scheduleTools } from './schedule.ts';
import { analysisTools } from './analysis.ts';
import { batchTools } from './batch.ts';
import { taskCrudTools } from './tasks-crud.ts';
import { taskFileTools } from './task-files.ts';
import { taskVersionTools } from './task-versions.ts';
import { taskTestingTools } from './task-testing.ts';
import { templateTools } from './templates.ts';
import { openApiTools } from './openapi.ts';
import { importExportTools } from './import-export.ts';
import { resultTools } from './results.ts';
import { registryTools } from './registry.ts';
import { lintTools } from './lint.ts';
import { docsTools } from './docs-tools.ts';
import { qualityTools } from './quality.ts';
import { baselineTools } from './baseline.ts';
import { replayTools } from './replay.ts';
import { profileTools } from './profile.ts';
import { toolsetTools } from './toolset-tools.ts';
import { workflowTools } from './workflows.ts';
import { processTools } from './processes.ts';
import { queueAdminTools } from './queue-admin.ts';

export const ALL_TOOLS: readonly ToolDefinition[] = [
  ...toolsetTools,
  ...executionTools,
  ...catalogTools,
  ...listTools,
  ...controlTools,
  ...jobsBatchTools,
  ...scheduleTools,
  ...analysisTools,
  ...batchTools,
  ...taskCrudTools,
  ...taskFileTools,
  ...taskVersionTools,
  ...taskTestingTools,
  ...qualityTools,
  ...baselineTools,
  ...replayTools,
  ...profileTools,
  ...lintTools,
  ...templateTools,
  ...openApiTools,
  ...importExportTools,
  ...resultTools,
  ...registryTools,
  ...docsTools,
  ...workflowTools,
  ...processTools,
  ...queueAdminTools,
];
