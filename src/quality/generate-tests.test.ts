// Edge-case proposals from the input schema: bounds and enum values, negatives rejected by the
// schema, a valid input that breaks the task shown with its error, same seed same proposals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTask } from '../tasks/load.ts';
import { edgeInputs } from './edge-inputs.ts';
import { generateTests } from './generate-tests.ts';

const FIXTURES = new URL('../../test/fixtures/quality/', import.meta.url).pathname;

test('bounds, enum values, missing and wrong-typed properties, each judged by the schema', () => {
  const schema = {
    type: 'object',
    required: ['n', 'mode'],
    properties: {
      n: { type: 'integer', minimum: -10, maximum: 10 },
      mode: { enum: ['fast', 'slow'] },
      label: { type: 'string', maxLength: 3 },
    },
  };
  const { inputs, base } = edgeInputs(schema, 1);
  assert.deepEqual(base, { n: 5, mode: 'fast', label: 'a' });
  const byName = Object.fromEntries(inputs.map((e) => [e.name, e]));
  assert.deepEqual(byName['n at its minimum']!, {
    name: 'n at its minimum',
    input: { ...(base as object), n: -10 },
    valid: true,
  });
  assert.equal(byName['n below its minimum']!.valid, false);
  assert.equal(byName['n above its maximum']!.valid, false);
  assert.deepEqual(byName['mode = "slow"']!.input, { n: 5, mode: 'slow', label: 'a' });
  assert.equal(byName['mode outside the enum']!.valid, false);
  assert.equal(byName['mode missing']!.valid, false);
  assert.deepEqual(byName['label left out (optional)']!, {
    name: 'label left out (optional)',
    input: { n: 5, mode: 'fast' },
    valid: true,
  });
  assert.equal((byName['label at its maximum length']!.input as { label: string }).label.length, 3);
  assert.equal(byName['label longer than its maximum']!.valid, false);
  assert.equal(byName['n of the wrong type']!.valid, false);
  assert.deepEqual(edgeInputs(schema, 1), edgeInputs(schema, 1));
});

test('proposals: recorded outputs, the bug at num === 0 with its error, rejected inputs', async () => {
  const pkg = await loadTask(`${FIXTURES}zero-bug`);
  const { proposals } = await generateTests(pkg, { seed: 1 });
  const zero = proposals.find((p) => p.name === 'generated: num = 0')!;
  assert.equal(zero.kind, 'unexpected-error');
  assert.deepEqual([zero.error?.type, zero.error?.location?.line], ['TypeError', 6]);
  const one = proposals.find((p) => p.name === 'generated: num = 1')!;
  assert.equal(one.kind, 'expected-output');
  assert.deepEqual(JSON.parse(one.content).expected_output, { sign: 'positive', half: 0.5 });
  const missing = proposals.find((p) => p.name === 'generated: num missing')!;
  assert.equal(missing.kind, 'rejected-input');
  assert.deepEqual(JSON.parse(missing.content).expected_error, { type: 'ValidationError' });
  assert.ok(proposals.every((p, i) => p.file.startsWith(`generated-${String(i + 1).padStart(3, '0')}-`)));
});
