// A file of HTTP mocks in the test-case format (`run-once --mock-endpoints FILE`): an object with
// `mock_http.requests[]` and/or `mock.http`, read by the same checks and matcher as tests/*.json,
// so a test case file itself can be given (its other keys are ignored). Problems name the file
// and the line:column.
import { readJsonFile } from '../tasks/json-file.ts';
import { checkMockShape } from '../tasks/test-shape.ts';
import { TaskLoadError, type Problem } from '../tasks/types.ts';
import { mocksOf, type MockSpec } from './test-case.ts';

/** Throws TaskLoadError naming the file (and line:column) when it cannot be used. */
export async function readMockFile(path: string): Promise<MockSpec[]> {
  const read = await readJsonFile(path, path);
  if (!read.ok) throw new TaskLoadError([read.problem]);
  const value = read.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const problem: Problem = {
      severity: 'error',
      file: path,
      line: 1,
      message:
        'a mock file must be a JSON object with "mock_http": { "requests": [ … ] } (the test-case format)',
    };
    throw new TaskLoadError([problem]);
  }
  const v = value as Record<string, unknown>;
  const problems = checkMockShape(v, read.text, path);
  if (problems.length > 0) throw new TaskLoadError(problems);
  return mocksOf(v);
}
