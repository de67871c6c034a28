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
export const ASSERTION_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'exists',
  'matches',
  'gt',
  'gte',
  'lt',
  'lte',
  'length',
] as const;
export type AssertionOperator = (typeof ASSERTION_OPERATORS)[number];

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
  if ('allow_network' in value && typeof value.allow_network !== 'boolean')
    add('$.allow_network', 'must be true or false');
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

/**
 * Problems in the mocks of a file in the test-case format (`mock.http`, `mock_http.requests[]`),
 * located at line:column of `text`; other keys are not looked at (run-once --mock-endpoints).
 */
export function checkMockShape(value: Record<string, unknown>, text: string, file: string): Problem[] {
  const problems: Problem[] = [];
  const add: Add = (path, message) => problems.push({ severity: 'error', file, path, message });
  if (!('mock' in value) && !('mock_http' in value)) {
    add(
      '$',
      'holds no mocks: expected "mock_http": { "requests": [ { method, url, response } ] } (or "mock": { "http": … })',
    );
  }
  if ('mock' in value) checkLegacyMock(value.mock, add);
  if ('mock_http' in value) checkMockHttp(value.mock_http, add);
  return locateProblems(text, problems);
}

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
    if (!ASSERTION_OPERATORS.includes(a.operator as AssertionOperator))
      add(`${at}.operator`, `must be one of ${ASSERTION_OPERATORS.join(', ')}`);
    if (a.operator === 'exists') {
      if ('expected' in a && typeof a.expected !== 'boolean') add(`${at}.expected`, 'must be true or false');
    } else if (!('expected' in a)) {
      add(`${at}.expected`, 'is required');
    } else if (['gt', 'gte', 'lt', 'lte'].includes(a.operator as string)) {
      if (typeof a.expected !== 'number' && typeof a.expected !== 'string')
        add(`${at}.expected`, `must be a number (or a string) to compare with ${String(a.operator)}`);
    } else if (a.operator === 'length') {
      if (typeof a.expected !== 'number' || !Number.isInteger(a.expected) || a.expected < 0)
        add(`${at}.expected`, 'must be a whole number (the expected length)');
    } else if (a.operator === 'matches') {
      checkRegex(a.expected, `${at}.expected`, add);
    }
  });
}

/** `method` may be left out: such a mock answers any method. */
function checkRequest(req: unknown, at: string, add: Add): void {
  if (!isObject(req)) return add(at, 'must be an object { method, url, response }');
  if (req.method === undefined) {
    // any method
  } else if (typeof req.method !== 'string' || !METHODS.includes(req.method.toUpperCase())) {
    add(`${at}.method`, `must be one of ${METHODS.join(', ')}`);
  }
  if (typeof req.url !== 'string' || req.url === '')
    add(`${at}.url`, 'is required: a URL or a substring of one');
  if ('times' in req) {
    const t = req.times;
    if (t !== 'always' && (typeof t !== 'number' || !Number.isInteger(t) || t < 1))
      add(`${at}.times`, 'must be a positive whole number or "always"');
  }
  if (!('response' in req)) add(`${at}.response`, 'is required (the mocked response)');
  else if (isObject(req.response)) checkResponse(req.response, `${at}.response`, add);
}

function checkResponse(res: Record<string, unknown>, at: string, add: Add): void {
  if ('status' in res) {
    const s = res.status;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 100 || s > 599) {
      add(`${at}.status`, 'must be an HTTP status code (100-599)');
    }
  }
  if ('headers' in res) {
    if (!isObject(res.headers)) add(`${at}.headers`, 'must be an object of header names to strings');
    else
      for (const [name, v] of Object.entries(res.headers)) {
        if (typeof v !== 'string' && typeof v !== 'number')
          add(appendKey(`${at}.headers`, name), 'must be a string');
      }
  }
  if ('bodyEncoding' in res) {
    if (res.bodyEncoding !== 'base64' && res.bodyEncoding !== 'utf8')
      add(`${at}.bodyEncoding`, 'must be "base64" or "utf8"');
    else if (res.bodyEncoding === 'base64' && typeof res.body !== 'string')
      add(`${at}.body`, 'must be a base64 string when bodyEncoding is "base64"');
  }
}

/** `"^a.c$"` or `"/abc/i"`: the forms the `matches` operator accepts. */
export function parseRegex(text: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(text);
  return m ? new RegExp(m[1]!, m[2]) : new RegExp(text);
}

function checkRegex(value: unknown, at: string, add: Add): void {
  if (typeof value !== 'string') return add(at, 'must be a regular expression as a string');
  try {
    parseRegex(value);
  } catch (e) {
    add(at, `is not a valid regular expression: ${(e as Error).message}`);
  }
}

function checkLegacyMock(mock: unknown, add: Add): void {
  if (!isObject(mock)) return add('$.mock', 'must be an object { http: { method, url, response } }');
  if (!('http' in mock)) return add('$.mock.http', 'is required inside "mock"');
  if (Array.isArray(mock.http))
    mock.http.forEach((r: unknown, i) => checkRequest(r, `$.mock.http[${i}]`, add));
  else checkRequest(mock.http, '$.mock.http', add);
}

function checkMockHttp(mockHttp: unknown, add: Add): void {
  if (!isObject(mockHttp) || !Array.isArray(mockHttp.requests)) {
    return add(appendKey('$.mock_http', 'requests'), 'must be an array of { method, url, response }');
  }
  mockHttp.requests.forEach((r: unknown, i) => checkRequest(r, `$.mock_http.requests[${i}]`, add));
}
