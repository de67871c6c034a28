import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTestCase, TestCaseError } from './test-case.ts';

const file = (value: unknown, name = 'test-001.json') => ({
  name,
  text: typeof value === 'string' ? value : JSON.stringify(value, null, 2),
});

test('every key of the CLI-runner format is normalized', () => {
  const tc = parseTestCase(
    file({
      name: 'adds',
      description: 'two numbers',
      input: { a: 1 },
      expected_output: { sum: 2 },
      match: 'partial',
      assertions: [
        { path: '$.sum', operator: 'equals', expected: 2 },
        { path: 'x', operator: 'exists' },
      ],
      allow_network: true,
    }),
  );
  assert.equal(tc.name, 'adds');
  assert.equal(tc.description, 'two numbers');
  assert.deepEqual(tc.input, { a: 1 });
  assert.deepEqual(tc.expect, {
    hasOutput: true,
    output: { sum: 2 },
    match: 'partial',
    shouldFail: false,
    assertions: [
      { path: '$.sum', operator: 'equals', expected: 2 },
      { path: 'x', operator: 'exists' },
    ],
  });
  assert.equal(tc.allowNetwork, true);
  assert.deepEqual(tc.mocks, []);
});

test('defaults: name from the file, input {}, exact match, no network', () => {
  const tc = parseTestCase(file({ expected: null }, 'zero.json'));
  assert.equal(tc.name, 'zero');
  assert.deepEqual(tc.input, {});
  assert.equal(tc.expect.hasOutput, true);
  assert.equal(tc.expect.output, null);
  assert.equal(tc.expect.match, 'exact');
  assert.equal(tc.allowNetwork, false);
});

test('expected (MCP alias), should_fail and both expected_error forms', () => {
  assert.deepEqual(parseTestCase(file({ expected: { a: 1 } })).expect.output, { a: 1 });
  const fails = parseTestCase(file({ input: {}, should_fail: true }));
  assert.equal(fails.expect.shouldFail, true);
  assert.equal(fails.expect.hasOutput, false);
  assert.deepEqual(parseTestCase(file({ expected_error: 'boom' })).expect.error, { message: 'boom' });
  assert.deepEqual(parseTestCase(file({ expected_error: { type: 'DataError' } })).expect.error, {
    type: 'DataError',
  });
});

test('legacy mock.http repeats and takes the whole response as the body unless it describes one', () => {
  const tc = parseTestCase(
    file({ input: {}, mock: { http: { url: 'example.com/a', method: 'get', response: { id: 1 } } } }),
  );
  assert.deepEqual(tc.mocks, [
    {
      method: 'GET',
      url: 'example.com/a',
      response: { status: 200, headers: {}, body: { id: 1 } },
      times: 'always',
      source: '$.mock.http',
    },
  ]);
  const described = parseTestCase(
    file({
      input: {},
      mock: { http: [{ url: 'x', response: { status: 404, headers: { 'X-A': 'b' }, body: 'no' } }] },
    }),
  );
  assert.deepEqual(described.mocks[0], {
    url: 'x',
    response: { status: 404, headers: { 'x-a': 'b' }, body: 'no' },
    times: 'always',
    source: '$.mock.http[0]',
  });
});

test('guide mock_http.requests are used once unless times says otherwise', () => {
  const tc = parseTestCase(
    file({
      input: {},
      mock_http: {
        requests: [
          { method: 'POST', url: 'https://a/', response: { status: 201, body: { ok: true } } },
          { url: 'https://b/', times: 'always', response: { body: 'aGk=', bodyEncoding: 'base64' } },
          { url: 'https://c/', times: 3, response: { headers: { 'content-type': 'text/csv' } } },
        ],
      },
    }),
  );
  assert.deepEqual(
    tc.mocks.map((m) => [m.method, m.times, m.response.status, m.source]),
    [
      ['POST', 1, 201, '$.mock_http.requests[0]'],
      [undefined, 'always', 200, '$.mock_http.requests[1]'],
      [undefined, 3, 200, '$.mock_http.requests[2]'],
    ],
  );
  assert.equal(tc.mocks[1]!.response.bodyEncoding, 'base64');
  assert.deepEqual(tc.mocks[2]!.response.headers, { 'content-type': 'text/csv' });
  assert.equal('body' in tc.mocks[2]!.response, false);
});

test('bad files: invalid JSON, not an object, bad keys, each naming file, line and key', () => {
  assert.throws(
    () => parseTestCase(file('{ "input": ', 'broken.json')),
    (e: unknown) => e instanceof TestCaseError && /tests\/broken\.json:1:\d+: invalid JSON/.test(e.message),
  );
  assert.throws(
    () => parseTestCase(file([1, 2])),
    /tests\/test-001\.json at \$: a test case must be a JSON object/,
  );
  assert.throws(
    () => parseTestCase(file({ foo: 1 })),
    /tests\/test-001\.json:1:1 at \$: not a recognised test case/,
  );
  const err = (() => {
    try {
      parseTestCase(
        file({
          input: {},
          match: 'fuzzy',
          allow_network: 'yes',
          assertions: [
            { path: 'a', operator: 'near', expected: 1 },
            { path: 'a', operator: 'matches', expected: '(' },
          ],
          mock_http: {
            requests: [{ url: 'x', times: 0, response: { status: 42, bodyEncoding: 'base64', body: {} } }],
          },
        }),
      );
    } catch (e) {
      return e as TestCaseError;
    }
    assert.fail('expected a TestCaseError');
  })();
  const paths = err.problems.map((p) => p.path);
  for (const p of [
    '$.match',
    '$.allow_network',
    '$.assertions[0].operator',
    '$.assertions[1].expected',
    '$.mock_http.requests[0].times',
    '$.mock_http.requests[0].response.status',
    '$.mock_http.requests[0].response.body',
  ]) {
    assert.ok(paths.includes(p), `${p} not reported: ${err.message}`);
  }
  assert.ok(err.problems.every((p) => p.line !== undefined));
});
