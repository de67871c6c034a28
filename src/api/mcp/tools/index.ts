// Every MCP tool, in the order clients list them. One import line per group file.
import type { ToolDefinition } from '../tool.ts';
import { executionTools } from './execution.ts';
import { taskCrudTools } from './tasks-crud.ts';

export const ALL_TOOLS: readonly ToolDefinition[] = [...executionTools, ...taskCrudTools];
