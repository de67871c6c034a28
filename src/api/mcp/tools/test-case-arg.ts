// The test-case argument shared by the tools that take test cases, and its conversion to the
// tests/<file>.json files a task stores. A case's `name` is a title ("counts three words", as the
// guide writes them); its file name is derived from it, unique within the task.
import { z } from 'zod';
import type { TaskTestBody, TaskVersionRecord } from '../../../services/tasks.ts';
import { slugify } from '../../../tasks/metadata.ts';

export const testCaseArg = z
  .looseObject({
    name: z.string().trim().min(1).max(200).describe('Title (file: tests/<title-slug>.json)'),
    description: z.string().max(1000).optional().describe('What the case checks'),
    input: z.unknown().describe('Input given to the task'),
    expected_output: z.unknown().optional().describe('Exact output expected'),
    expected_error: z
      .object({
        type: z.string().optional().describe('Error class, e.g. "DataError"'),
        message: z.string().optional().describe('Substring of the message'),
      })
      .optional()
      .describe('The run must fail so'),
    assertions: z
      .array(
        z.looseObject({
          path: z.string().describe('JSON path, e.g. "$.items[0].id"'),
          operator: z.string().describe('"equals", "contains", "exists", "gt", …'),
          expected: z.unknown().optional().describe('Value to compare with'),
        }),
      )
      .optional()
      .describe('Checks on parts of the output'),
    mock_http: z
      .unknown()
      .optional()
      .describe('Mocked HTTP: {requests: [{method, url, response: {status, body}}]}'),
  })
  .describe('name, input, and expected_output, expected_error or assertions');

export type TestCaseArg = z.output<typeof testCaseArg>;
type TaskTest = TaskVersionRecord['tests'][number];

/** The file content of a case: the title stays in the file as its `name`. */
export function testContentOf(tc: TestCaseArg): Record<string, unknown> {
  const { name, ...rest } = tc;
  return { name, ...rest };
}

/** A title that is already a usable file name is kept; anything else becomes a slug. */
const FILE_NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

/** The file stem for a title: "London weather test" → "london-weather-test". */
export function caseFileStem(title: string): string {
  const bare = title.replace(/\.json$/i, '');
  if (FILE_NAME.test(bare)) return bare;
  return slugify(bare).slice(0, 100).replace(/-+$/, '') || 'case';
}

/** `<stem>.json`, or `<stem>-2.json`, `-3`, … when a file of that name is taken (and marks it taken). */
export function uniqueCaseFile(title: string, taken: Set<string>): string {
  const stem = caseFileStem(title);
  let file = `${stem}.json`;
  for (let n = 2; taken.has(file); n++) file = `${stem}-${n}.json`;
  taken.add(file);
  return file;
}

/** The tests/ files of new cases: one unique file name per case, derived from its title. */
export function testFilesOf(cases: TestCaseArg[]): TaskTestBody[] {
  const taken = new Set<string>();
  return cases.map((tc) => ({ name: uniqueCaseFile(tc.name, taken), content: testContentOf(tc) }));
}

/** The title a stored case gives itself (its `name`), else its file name without `.json`. */
function storedTitle(t: TaskTest): string {
  try {
    const v = JSON.parse(t.text) as { name?: unknown };
    if (typeof v.name === 'string' && v.name !== '') return v.name;
  } catch {
    // An unreadable case is matched by its file name only.
  }
  return t.name.replace(/\.json$/, '');
}

/**
 * The file a case with this title goes to among a version's stored cases: the file of the stored
 * case with the same title (it is replaced), else a new unique file name.
 */
export function fileForTitle(title: string, stored: readonly TaskTest[]): string {
  const same = stored.find((t) => storedTitle(t) === title.trim());
  if (same) return same.name.replace(/^tests\//, '');
  return uniqueCaseFile(title, new Set(stored.map((t) => t.name.replace(/^tests\//, ''))));
}
