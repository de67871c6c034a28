import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_VALUE_LIMITS,
  depthOf,
  inputLimitProblem,
  jsonTextDepth,
  outputLimitProblem,
} from './value-limits.ts';

const nestedText = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

void test('depth of values and of JSON text agree, and neither recurses', () => {
  for (const text of [
    '1',
    '"[[["',
    '{}',
    '[1,[2,{"a":[3]}]]',
    '{"a":"}]","b":{"c":"\\"["}}',
    nestedText(300),
  ]) {
    assert.equal(jsonTextDepth(text), depthOf(JSON.parse(text)), text);
  }
  // A million levels: measured without overflowing the stack, stopping once past the limit.
  const huge = nestedText(1_000_000);
  assert.equal(jsonTextDepth(huge, 256), 257);
  assert.equal(depthOf(JSON.parse(huge), 256), 257);
  assert.equal(jsonTextDepth(huge), 1_000_000);
});

void test('inputs: depth and size problems name the limit and its key; within the limits nothing', () => {
  const limits = { ...DEFAULT_VALUE_LIMITS, maxInputBytes: 100 };
  assert.equal(inputLimitProblem({ a: [1, 2] }, limits), undefined);
  assert.equal(inputLimitProblem(undefined, limits), undefined);
  assert.deepEqual(inputLimitProblem(JSON.parse(nestedText(257)), DEFAULT_VALUE_LIMITS), {
    path: '$.input',
    message: 'nests arrays/objects more than 256 levels deep; the limit is 256 (execution.max_json_depth)',
  });
  assert.equal(inputLimitProblem(JSON.parse(nestedText(256)), DEFAULT_VALUE_LIMITS), undefined);
  assert.match(
    inputLimitProblem({ s: 'x'.repeat(200) }, limits, '$.requests[0].input')!.message,
    /^is 208 bytes as JSON; the limit is 100 bytes \(execution\.max_input_bytes\)$/,
  );
});

void test('outputs: checked on the text, size in UTF-8 bytes', () => {
  const limits = { ...DEFAULT_VALUE_LIMITS, maxOutputBytes: 10 };
  assert.equal(outputLimitProblem('"abc"', limits), undefined);
  assert.match(
    outputLimitProblem('"ééééé"', limits)!,
    /output is 12 bytes as JSON; the limit is 10 bytes \(execution\.max_output_bytes\)/,
  );
  assert.match(outputLimitProblem(nestedText(300), DEFAULT_VALUE_LIMITS)!, /execution\.max_json_depth/);
});
