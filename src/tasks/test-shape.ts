// Shape checks for tests/*.json. Both historical formats are accepted (COMPAT.md §4): the CLI
// runner's `input`/`expected_output`, MCP's `expected`/`should_fail`, the documented
// `expected_error`/`assertions`, and mocks as `mock.http` or `mock_http.requests[]`.
import type { Problem } from './types.ts';
import type { InspectedTest } from './inspect.ts';
import type { SchemaValidator } from './schema.ts';
import { locateProblems } from './json-file.ts';
import { appendKey } from './json-path.ts';

export const TEST_KEYS = [
  'input',
  'expected_output',
  'expected',
  'expected_error',
  'should_fail',
  'assertions',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function checkTestShape(
  test: InspectedTest,
  inputSchema: SchemaValidator | undefined,
  outputSchema: SchemaValidator | undefined,
): Problem[] {
  const value = test.value;
  if (!value) return [];
  const file = `tests/${test.name}`;
  const problems: Problem[] = [];
  const add = (path: string, message: string, severity: Problem['severity'] = 'error'): void => {
    problems.push({ severity, file, path, message });
  };

  if (!TEST_KEYS.some((k) => k in value)) {
    add('$', `not a recognised test case: expected "input" and/or one of ${TEST_KEYS.slice(1).join(', ')}`);
  }
  for (const key of ['name', 'description']) {
    if (key in value && typeof value[key] !== 'string') add(`$.${key}`, 'must be a string');
  }
  if ('expected_error' in value) checkExpectedError(value.expected_error, add);
  if ('match' in value && value.match !== 'exact' && value.match !== 'partial') {
    add('$.match', 'must be "exact" or "partial"');
  }
  if ('should_fail' in value && typeof value.should_fail !== 'boolean')
    add('$.should_fail', 'must be true or false');
  if ('assertions' in value) checkAssertions(value.assertions, add);
  if ('mock' in value) checkLegacyMock(value.mock, add);
  if ('mock_http' in value) checkMockHttp(value.mock_http, add);

  // A test that expects failure may feed deliberately invalid input; otherwise a schema mismatch
  // means the test cannot pass while schemas are enforced.
  const expectsFailure = value.should_fail === true || 'expected_error' in value;
  if (!expectsFailure) {
    if (inputSchema && 'input' in value) {
      for (const v of inputSchema.validate(value.input)) {
        add(v.path.replace(/^\$/, '$.input'), `${v.message} (input.schema.json)`, 'warning');
      }
    }
    const outputKey =
      'expected_output' in value ? 'expected_output' : 'expected' in value ? 'expected' : undefined;
    // A partial expectation lists only some fields, so `required` would complain about the rest.
    if (outputSchema && outputKey && value.match !== 'partial') {
      for (const v of outputSchema.validate(value[outputKey])) {
        add(v.path.replace(/^\$/, `$.${outputKey}`), `${v.message} (output.schema.json)`, 'warning');
      }
    }
  }
  return locateProblems(test.text, problems);
}

type Add = (path: string, message: string) => void;

/** A substring of the thrown message, or `{ type?, message? }` naming the error class and/or substring. */
function checkExpectedError(expected: unknown, add: Add): void {
  if (typeof expected === 'string') return;
  if (!isObject(expected)) {
    return add('$.expected_error', 'must be a message substring or an object { type?, message? }');
  }
  for (const key of ['type', 'message']) {
    if (key in expected && typeof expected[key] !== 'string')
      add(`$.expected_error.${key}`, 'must be a string');
  }
}

function checkAssertions(assertions: unknown, add: Add): void {
  if (!Array.isArray(assertions)) {
    add('$.assertions', 'must be an array of { path, operator, expected }');
    return;
  }
  assertions.forEach((a: unknown, i) => {
    const at = `$.assertions[${i}]`;
    if (!isObject(a)) return add(at, 'must be an object { path, operator, expected }');
    if (typeof a.path !== 'string')
      add(`${at}.path`, 'must be a string such as "$.result" or "result.items"');
    if (a.operator !== 'equals' && a.operator !== 'contains')
      add(`${at}.operator`, 'must be "equals" or "contains"');
    if (!('expected' in a)) add(`${at}.expected`, 'is required');
  });
}

function checkRequest(req: unknown, at: string, add: Add, methodRequired: boolean): void {
  if (!isObject(req)) return add(at, 'must be an object { method, url, response }');
  if (req.method === undefined) {
    if (methodRequired) add(`${at}.method`, 'is required (e.g. "GET")');
  } else if (typeof req.method !== 'string' || !METHODS.includes(req.method.toUpperCase())) {
    add(`${at}.method`, `must be one of ${METHODS.join(', ')}`);
  }
  if (typeof req.url !== 'string' || req.url === '')
    add(`${at}.url`, 'is required: a URL or a substring of one');
  if (!('response' in req)) add(`${at}.response`, 'is required (the mocked response)');
  else if (isObject(req.response) && 'status' in req.response) {
    const s = req.response.status;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 100 || s > 599) {
      add(`${at}.response.status`, 'must be an HTTP status code (100-599)');
    }
  }
}

function checkLegacyMock(mock: unknown, add: Add): void {
  if (!isObject(mock)) return add('$.mock', 'must be an object { http: { method, url, response } }');
  if (!('http' in mock)) return add('$.mock.http', 'is required inside "mock"');
  if (Array.isArray(mock.http))
    mock.http.forEach((r: unknown, i) => checkRequest(r, `$.mock.http[${i}]`, add, false));
  else checkRequest(mock.http, '$.mock.http', add, false);
}

function checkMockHttp(mockHttp: unknown, add: Add): void {
  if (!isObject(mockHttp) || !Array.isArray(mockHttp.requests)) {
    return add(appendKey('$.mock_http', 'requests'), 'must be an array of { method, url, response }');
  }
  mockHttp.requests.forEach((r: unknown, i) => checkRequest(r, `$.mock_http.requests[${i}]`, add, true));
}
