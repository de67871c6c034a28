// A test file (tests/*.json) turned into one normalized TestCase. Shape rules live in
// test-shape.ts (shared with `ratchet validate`); this module only maps the accepted shapes onto
// one form, so the runner never has to know about the two historical mock formats or `expected`.
import { checkTestShape } from '../tasks/test-shape.ts';
import type { AssertionOperator } from '../tasks/test-shape.ts';
import { tryParseJson } from '../tasks/json-file.ts';
import { formatProblem } from '../tasks/types.ts';
import type { Problem, TaskTestFile } from '../tasks/types.ts';

export interface ExpectedError {
  /** Exact error class name, e.g. `DataError`. */
  type?: string;
  /** Substring of the error message. */
  message?: string;
}

export interface Assertion {
  path: string;
  operator: AssertionOperator;
  expected?: unknown;
}

export interface MockResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  /** Left out: an empty body. A string is sent as is; anything else as JSON. */
  body?: unknown;
  bodyEncoding?: 'utf8' | 'base64';
}

export interface MockSpec {
  /** Upper case; absent matches any method. */
  method?: string;
  url: string;
  response: MockResponse;
  /** How many requests it answers. */
  times: number | 'always';
  /** Where it was declared, for messages: `$.mock_http.requests[0]`. */
  source: string;
}

export interface TestCase {
  /** The `name` key, else the file name without `.json`. */
  name: string;
  file: string;
  description?: string;
  input: unknown;
  expect: {
    output?: unknown;
    hasOutput: boolean;
    match: 'exact' | 'partial';
    error?: ExpectedError;
    shouldFail: boolean;
    assertions: Assertion[];
  };
  mocks: MockSpec[];
  allowNetwork: boolean;
}

/** A test file that cannot be used, with every problem (file:line:column at path). */
export class TestCaseError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'TestCaseError';
    this.problems = problems;
  }
}

const RESPONSE_KEYS = new Set(['status', 'statusText', 'headers', 'body', 'bodyEncoding']);

type Obj = Record<string, unknown>;

export function parseTestCase(file: TaskTestFile): TestCase {
  const display = `tests/${file.name}`;
  const parsed = tryParseJson(file.text, display);
  if (!parsed.ok) throw new TestCaseError([parsed.problem]);
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const problem: Problem = {
      severity: 'error',
      file: display,
      path: '$',
      message: 'a test case must be a JSON object',
    };
    throw new TestCaseError([problem]);
  }
  const v = value as Obj;
  // Schema warnings are validate's business; only errors make a case unusable.
  const errors = checkTestShape({ ...file, value: v }, undefined, undefined).filter(
    (p) => p.severity === 'error',
  );
  if (errors.length > 0) throw new TestCaseError(errors);

  const hasOutput = 'expected_output' in v || 'expected' in v;
  const testCase: TestCase = {
    name: typeof v.name === 'string' && v.name !== '' ? v.name : file.name.replace(/\.json$/, ''),
    file: file.name,
    input: 'input' in v ? v.input : {},
    expect: {
      hasOutput,
      match: v.match === 'partial' ? 'partial' : 'exact',
      shouldFail: v.should_fail === true,
      assertions: ((v.assertions as Obj[] | undefined) ?? []).map((a) => ({
        path: a.path as string,
        operator: a.operator as AssertionOperator,
        ...('expected' in a ? { expected: a.expected } : {}),
      })),
    },
    mocks: mocksOf(v),
    allowNetwork: v.allow_network === true,
  };
  if (typeof v.description === 'string') testCase.description = v.description;
  if (hasOutput) testCase.expect.output = 'expected_output' in v ? v.expected_output : v.expected;
  if ('expected_error' in v) {
    const e = v.expected_error;
    testCase.expect.error = typeof e === 'string' ? { message: e } : pick(e as Obj);
  }
  return testCase;
}

function pick(e: Obj): ExpectedError {
  const out: ExpectedError = {};
  if (typeof e.type === 'string') out.type = e.type;
  if (typeof e.message === 'string') out.message = e.message;
  return out;
}

/** The mocks of a test-case-shaped object whose shape was checked (checkTestShape, checkMockShape). */
export function mocksOf(v: Record<string, unknown>): MockSpec[] {
  return [...legacyMocks(v.mock), ...guideMocks(v.mock_http)];
}

// The original repeated a legacy mock for every matching request; the guide's list is a script
// of answers, each used once, so the same URL listed twice answers twice in order.
function legacyMocks(mock: unknown): MockSpec[] {
  if (mock === undefined) return [];
  const http = (mock as Obj).http;
  const list = Array.isArray(http) ? (http as Obj[]) : [http as Obj];
  return list.map((r, i) =>
    toMock(r, Array.isArray(http) ? `$.mock.http[${i}]` : '$.mock.http', 'always', true),
  );
}

function guideMocks(mockHttp: unknown): MockSpec[] {
  if (mockHttp === undefined) return [];
  const requests = (mockHttp as Obj).requests as Obj[];
  return requests.map((r, i) => toMock(r, `$.mock_http.requests[${i}]`, 1, false));
}

function toMock(r: Obj, source: string, defaultTimes: number | 'always', legacy: boolean): MockSpec {
  const spec: MockSpec = {
    url: r.url as string,
    response: toResponse(r.response, legacy),
    times: (r.times as number | 'always' | undefined) ?? defaultTimes,
    source,
  };
  if (typeof r.method === 'string') spec.method = r.method.toUpperCase();
  return spec;
}

/**
 * The legacy form's `response` was the body itself (COMPAT.md §4). An object is read as a
 * response description only when it has `status` or `body` and nothing but response keys; the
 * guide form always describes a response, but the same reading keeps `response: {id: 1}` usable.
 */
export function isResponseDescription(value: unknown): value is Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return ('status' in value || 'body' in value) && keys.length > 0 && keys.every((k) => RESPONSE_KEYS.has(k));
}

function toResponse(value: unknown, legacy: boolean): MockResponse {
  if (!isResponseDescription(value)) {
    // The guide form with only headers, e.g. `{ "headers": {...} }`, is still a description.
    if (!legacy && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length > 0 && keys.every((k) => RESPONSE_KEYS.has(k))) return describe(value as Obj);
    }
    return { status: 200, headers: {}, body: value };
  }
  return describe(value);
}

function describe(r: Obj): MockResponse {
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries((r.headers as Obj | undefined) ?? {})) {
    headers[name.toLowerCase()] = String(v);
  }
  const res: MockResponse = { status: (r.status as number | undefined) ?? 200, headers };
  if ('body' in r) res.body = r.body;
  if (typeof r.statusText === 'string') res.statusText = r.statusText;
  if (r.bodyEncoding === 'base64' || r.bodyEncoding === 'utf8') res.bodyEncoding = r.bodyEncoding;
  return res;
}
