// The test-case argument shared by the tools that take test cases, and its conversion to the
// tests/<name>.json files a task stores.
import { z } from 'zod';
import type { TaskTestBody } from '../../../services/tasks.ts';

export const testCaseArg = z
  .looseObject({
    name: z
      .string()
      .min(1)
      .max(120)
      .regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit')
      .describe('File name of the case (stored as tests/<name>.json), e.g. "test-001" or "handles-404"'),
    description: z.string().max(1000).optional().describe('What the case checks'),
    input: z.unknown().describe('Input given to the task'),
    expected_output: z
      .unknown()
      .optional()
      .describe('Exact output expected (compare with "assertions" for parts)'),
    expected_error: z
      .object({
        type: z.string().optional().describe('Error class the run must throw, e.g. "DataError"'),
        message: z.string().optional().describe('A substring the error message must contain'),
      })
      .optional()
      .describe('The run must fail with this error class and/or message substring'),
    assertions: z
      .array(
        z.looseObject({
          path: z.string().describe('JSON path into the output, e.g. "$.items[0].id"'),
          operator: z.string().describe('How to compare: "equals", "contains", "exists", "gt", …'),
          expected: z.unknown().optional().describe('The value to compare with (not for "exists")'),
        }),
      )
      .optional()
      .describe(
        'Checks on parts of the output: { path: "$.items[0].id", operator: "equals"|"contains"|"exists"|"gt"|…, expected }',
      ),
    mock_http: z
      .unknown()
      .optional()
      .describe(
        'Mocked HTTP: { "requests": [{ "method": "GET", "url": "https://…", "response": { "status": 200, "body": {…} } }] }',
      ),
  })
  .describe('A test case: name, input, and what to expect (expected_output, expected_error or assertions)');

export type TestCaseArg = z.output<typeof testCaseArg>;

/** The file content of a case: every field but `name`, which becomes the file name. */
export function testContentOf(tc: TestCaseArg): Record<string, unknown> {
  const { name, ...rest } = tc;
  return { name, ...rest };
}

export function testFilesOf(cases: TestCaseArg[]): TaskTestBody[] {
  return cases.map((tc) => ({ name: tc.name, content: testContentOf(tc) }));
}
