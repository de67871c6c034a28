// Every MCP tool, in the order clients list them. One import line per group file.
import type { ToolDefinition } from '../tool.ts';
import { executionTools } from './execution.ts';
import { taskCrudTools } from './tasks-crud.ts';
import { taskFileTools } from './task-files.ts';
import { taskVersionTools } from './task-versions.ts';
import { taskTestingTools } from './task-testing.ts';

export const ALL_TOOLS: readonly ToolDefinition[] = [
  ...executionTools,
  ...taskCrudTools,
  ...taskFileTools,
  ...taskVersionTools,
  ...taskTestingTools,
];
