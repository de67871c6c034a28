// Diagnosis of failed executions, one case per kind of failure: the phase, the failing line and
// its code, the schema paths, the failed HTTP call, and the suggestion a user would act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, inputDiagnosis } from './diagnosis.ts';
import type { ExecutionRecord } from './executions.ts';
import type { TaskVersionRecord } from './tasks.ts';

const CODE = [
  'function main(input) {',
  '  const user = input.user;',
  '  return { name: user.name };',
  '}',
].join('\n');

function version(tests: unknown[] = []): TaskVersionRecord {
  return { code: CODE, tests } as unknown as TaskVersionRecord;
}

function failed(error: Record<string, unknown>, more: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return { id: 7, status: 'FAILED', error, http: [], ...more } as unknown as ExecutionRecord;
}

function exchange(status: number | null, error?: { type: string; message: string }) {
  return {
    request: { method: 'GET', url: 'https://api.example.test/users/1', headers: {} },
    ...(status === null ? {} : { response: { status, headers: {}, body: 'x'.repeat(5000) } }),
    ...(error ? { error } : {}),
    durationMs: 12,
    startedAt: '2026-12-04T00:00:00.000Z',
  };
}

void test('a TypeError: location from the stack, the code around it, a guard suggestion, a test nudge', () => {
  const d = diagnose(
    failed({
      type: 'TypeError',
      message: "cannot read property 'name' of undefined",
      stack: 'at main (main.js:3:22)',
    }),
    version(),
    true,
  )!;
  assert.equal(d.phase, 'run');
  assert.deepEqual(d.location, { file: 'main.js', line: 3, column: 22 });
  assert.deepEqual(
    d.code_context.filter((l) => l.failing),
    [{ line: 3, text: '  return { name: user.name };', failing: true }],
  );
  assert.equal(d.code_context.length, 4);
  assert.match(d.suggestions[0]!, /Guard the value used on line 3 \(`return \{ name: user\.name \};`\)/);
  assert.match(d.suggestions.at(-1)!, /Add a test case/);
  assert.match(d.usual_cause, /wrong type/);
});

void test('input and output schema failures name each path; stored violations keep only declared fields', () => {
  const input = diagnose(
    failed({
      type: 'ValidationError',
      message: 'input does not match',
      details: {
        phase: 'input',
        violations: [{ path: '$.user', message: 'is required', keyword: 'required', extra: 1 }],
      },
    }),
    version([{}]),
    true,
  )!;
  assert.equal(input.phase, 'input');
  assert.deepEqual(input.schema_violations, [
    { path: '$.user', message: 'is required', keyword: 'required' },
  ]);
  assert.deepEqual(input.suggestions, [
    'Input $.user is required: send a matching value, or relax input.schema.json if the task should accept it.',
  ]);
  const output = diagnose(
    failed({ type: 'OutputValidationError', message: 'output does not match:\n  $.name must be string' }),
    version([{}]),
    true,
  )!;
  assert.equal(output.phase, 'output');
  assert.deepEqual(output.schema_violations, [{ path: '$.name', message: 'must be string' }]);
  assert.match(output.suggestions[0]!, /^The output at \$\.name must be string: change main\.js/);
});

void test('the last failed HTTP call is shown (bodies cut) with the advice its status calls for', () => {
  const cases: [ReturnType<typeof exchange>, RegExp][] = [
    [
      exchange(null, { type: 'NetworkError', message: 'ECONNREFUSED' }),
      /failed with NetworkError \(ECONNREFUSED\)/,
    ],
    [exchange(401), /answered 401: pass valid credentials/],
    [exchange(404), /answered 404: the path or resource id is wrong/],
    [exchange(429), /answered 429: slow down/],
    [exchange(503), /answered 503: the service failed/],
    [exchange(418), /answered 418: read response_body/],
  ];
  for (const [call, advice] of cases) {
    const d = diagnose(
      failed({ type: 'HttpError', message: 'request failed' }, { http: [exchange(200), call] }),
      version([{}]),
      true,
    )!;
    assert.equal(d.failed_http_call?.url, 'https://api.example.test/users/1');
    assert.match(d.suggestions[0]!, advice);
    if (call.response) assert.match(d.failed_http_call.response_body!, /… \(5000 characters\)$/);
  }
});

void test('each error class gets its own advice; unknown ones fall back to the message and line', () => {
  const advice: [string, string, RegExp][] = [
    ['ReferenceError', 'fetchh is not defined', /Define `fetchh`/],
    ['SyntaxError', 'Unexpected token < in JSON', /not JSON: check response\.ok/],
    ['SyntaxError', 'unexpected token', /Fix the syntax error in main\.js/],
    ['TimeoutError', 'took too long', /Raise the time limit/],
    ['OutOfMemoryError', 'out of memory', /Process less data/],
    ['StackOverflowError', 'too much recursion', /Replace the deep recursion/],
    ['DataError', 'bad row', /threw DataError\("bad row"\)/],
    ['WeirdError', 'strange', /Read the WeirdError message and the code around line 2/],
  ];
  for (const [type, message, expected] of advice) {
    const d = diagnose(
      failed({ type, message, location: { file: 'main.js', line: 2 } }),
      version([{}]),
      true,
    )!;
    assert.match(d.suggestions[0]!, expected, type);
  }
  const unknown = diagnose(failed({ type: 'WeirdError', message: 'strange' }), version([{}]), false)!;
  assert.equal(unknown.usual_cause, 'A WeirdError thrown by the task code.');
  assert.equal(unknown.location, null);
  assert.deepEqual(unknown.suggestions, []);
});

void test('a cancelled run is not a failure, whatever the task threw; a run without error has no diagnosis', () => {
  const d = diagnose(failed({ type: 'TypeError', message: 'x' }, { status: 'CANCELLED' }), version(), true)!;
  assert.equal(d.phase, 'cancelled');
  assert.deepEqual(d.suggestions, [
    'Nothing failed: the run was cancelled. Run it again if that was not intended.',
  ]);
  assert.equal(diagnose({ error: null } as unknown as ExecutionRecord, version(), true), null);
});

void test('input refused before any run', () => {
  const d = inputDiagnosis('invalid input', [{ path: '$.n', message: 'must be number' }]);
  assert.equal(d.phase, 'input');
  assert.deepEqual(d.suggestions, [
    'Input $.n must be number: send a matching value, or relax input.schema.json if the task should accept it.',
  ]);
});
