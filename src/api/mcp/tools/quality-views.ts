// Result shapes of the quality tools (src/quality), as the MCP tools return them.
import { z } from 'zod';
import type { TaskCoverage } from '../../../quality/coverage.ts';

const figure = z
  .object({
    covered: z.number().int().describe('Items that ran at least once'),
    total: z.number().int().describe('Items in main.js'),
    pct: z.number().describe('covered / total in percent, one decimal (100 when there is nothing to cover)'),
  })
  .describe('A coverage figure');

export const coverageView = z.object({
  lines: figure,
  branches: figure,
  functions: figure,
  statements: figure,
  uncovered_lines: z
    .array(
      z.object({ line: z.number().int().describe('1-based line'), source: z.string().describe('The line') }),
    )
    .describe('Lines no case ran, with their source'),
  uncovered_branches: z
    .array(
      z.object({
        line: z.number().int().describe('Line of the branch arm'),
        type: z.string().describe('if, cond-expr, binary-expr, switch, default-arg …'),
        arm: z.string().describe('The arm that never ran: then, else, true, false, case N, operand N'),
        condition: z.string().describe('Source of the condition, case or operand deciding it'),
      }),
    )
    .describe('Branch arms no case took'),
  uncovered_functions: z
    .array(z.object({ name: z.string().describe('Function name'), line: z.number().int().describe('Line') }))
    .describe('Functions never called'),
  cases_without_data: z
    .number()
    .int()
    .describe('Cases that never ran main.js (rejected by the input schema) or were stopped (timeout)'),
  suggestions: z.array(z.string()).describe('One test case to add per uncovered branch, in words'),
});

export function coverageViewOf(t: TaskCoverage): z.input<typeof coverageView> | null {
  const c = t.coverage;
  if (!c) return null;
  return {
    lines: c.lines,
    branches: c.branches,
    functions: c.functions,
    statements: c.statements,
    uncovered_lines: c.uncoveredLines,
    uncovered_branches: c.uncoveredBranches,
    uncovered_functions: c.uncoveredFunctions,
    cases_without_data: t.casesWithoutData,
    suggestions: c.uncoveredBranches.map((b) => suggestion(b.type, b.arm, b.condition, b.line)),
  };
}

function suggestion(type: string, arm: string, condition: string, line: number): string {
  if (type === 'if' || type === 'cond-expr') {
    const truth = arm === 'then' || arm === 'true' ? 'true' : 'false';
    return `line ${line}: add a case whose input makes \`${condition}\` ${truth}`;
  }
  if (type === 'switch') return `line ${line}: add a case that reaches \`case ${condition}\``;
  if (type === 'default-arg') return `line ${line}: add a case that leaves \`${condition}\` undefined`;
  return `line ${line}: add a case where \`${condition}\` is evaluated (${arm} of ${type})`;
}

export const fuzzView = z.object({
  task: z.string().describe('Task name'),
  version: z.string().describe('Version fuzzed'),
  seed: z.number().int().describe('Seed used; the same seed generates the same inputs'),
  lanes: z.number().int().describe('Parallel lanes (threads)'),
  runs: z.number().int().describe('Runs in all lanes'),
  runs_per_second: z.number().describe('Runs per second'),
  duration_ms: z.number().describe('Wall time'),
  discarded: z.number().int().describe('Generated inputs the full input schema rejected (never run)'),
  skipped_constraints: z
    .array(z.string())
    .describe(
      'Schema constraints the generator does not produce itself ("$.path: keyword"); Ajv filters them',
    ),
  http: z.string().describe('How fetch was answered: the test cases\u2019 mocks, or refused'),
  failures: z
    .array(
      z.object({
        kind: z
          .enum(['error', 'output', 'timeout'])
          .describe('A thrown error, an output-schema violation, a timeout'),
        type: z.string().describe('Error class, e.g. TypeError, OutputValidationError, TimeoutError'),
        message: z.string().describe('Error message of the smallest failing input'),
        line: z.number().int().nullable().describe('main.js line of the error, when known'),
        input: z.unknown().describe('The smallest input found that fails this way'),
        shrinks: z.number().int().describe('Shrink steps from the first failing input'),
        test_case: z
          .object({
            file: z.string().describe('Suggested file name'),
            content: z.string().describe('JSON text'),
          })
          .describe(
            'The failure as a test case that passes once it is fixed (store it with ratchet_create_test_case)',
          ),
      }),
    )
    .describe('Each distinct failure (error type, line and message shape) once'),
});
