// Lint of task code for the mistakes the task guide warns about, with a fix for each finding.
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import { lintTaskCode } from '../../../tasks/lint.ts';
import { readTaskFiles } from '../../../services/task-edits.ts';
import { READ_ONLY, atVersion, taskRef } from './dev-common.ts';

const lintTool = defineTool({
  name: 'ratchet_lint_task_code',
  title: 'Lint task code',
  description:
    "Checks main.js (`code` or a stored task's) for syntax errors and task pitfalls (require/import, Node APIs, promise-style fetch, unchecked response.ok, thrown strings). Returns findings with line:column, severity and a fix.",
  input: z.object({
    code: z.string().max(1_000_000).optional().describe('The main.js text to check'),
    task_id: taskRef
      .optional()
      .describe('Or: check the code of this stored task (its numeric id, UUID or name)'),
    version: atVersion,
  }),
  output: z.object({
    ok: z.boolean().describe('No errors (warnings may remain)'),
    parser: z.enum(['acorn']).describe('The JavaScript parser the rules ran on'),
    errors: z.number().int(),
    warnings: z.number().int(),
    findings: z.array(
      z.object({
        rule: z.string(),
        severity: z.enum(['error', 'warning', 'info']),
        line: z.number().int(),
        column: z.number().int(),
        message: z.string(),
        fix: z.string(),
      }),
    ),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { code: '(function(input, context) {\n  return fetch(input.url).then((r) => r.json());\n})' },
  async handler(args, ctx) {
    if ((args.code === undefined) === (args.task_id === undefined)) {
      throw new ToolInputError('give exactly one of code (the main.js text) or task_id (a stored task)');
    }
    const code = args.code ?? (await readTaskFiles(ctx.app, args.task_id!, args.version)).version.code;
    const report = await lintTaskCode(code);
    return { ok: report.errors === 0, ...report };
  },
});

export const lintTools = [lintTool];
