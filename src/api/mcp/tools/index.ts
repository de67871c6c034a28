// Every MCP tool, in the order clients list them. One import line per group file.
import type { ToolDefinition } from '../tool.ts';

export const ALL_TOOLS: readonly ToolDefinition[] = [];
