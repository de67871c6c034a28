// Schema compatibility: a plain path from a producer's output (or the workflow's input) into a
// consumer's input is checked against both schemas; computed values and silent schemas are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflowText } from './parse.ts';
import { validateWorkflow } from './validate.ts';
import { formatProblem } from './types.ts';
import type { SchemaLookup } from './compat.ts';

const obj = (props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: props,
  ...extra,
});
const SCHEMAS: Record<string, { input?: unknown; output?: unknown }> = {
  fetch: {
    output: obj({ id: { type: 'integer' }, name: { type: 'string' } }, { additionalProperties: false }),
  },
  add: {
    input: obj(
      { a: { type: 'number' }, b: { type: 'number' } },
      { required: ['a', 'b'], additionalProperties: false },
    ),
    output: obj({ sum: { type: 'number' } }),
  },
  loose: {},
};
const lookup: SchemaLookup = (task) => Promise.resolve(SCHEMAS[task]);

async function problems(steps: string, head = '') {
  const text = `name: w\nversion: 1.0.0\n${head}steps:\n  - { name: f, task: fetch }\n${steps}`;
  const def = parseWorkflowText(text, 'w.yaml');
  return (await validateWorkflow(def, { file: 'w.yaml', text, taskSchemas: lookup })).map(formatProblem);
}

test('compatible paths, computed values and silent schemas pass', async () => {
  assert.deepEqual(
    await problems(
      '  - { name: s, task: add, dependencies: [f], input: { a: steps.f.id, b: "steps.f.id * 2" } }\n' +
        '  - { name: l, task: loose, dependencies: [s], input: { x: steps.s.sum, y: steps.s.other } }\n',
    ),
    [],
  );
});

test('a type mismatch, a missing required field, an unknown field and a missing output field', async () => {
  const found = await problems(
    '  - { name: s, task: add, dependencies: [f], input: { a: steps.f.name, c: 1 } }\n' +
      '  - { name: t, task: add, dependencies: [f], input: { a: steps.f.nope, b: workflow.n } }\n',
    'input_schema: { type: object, properties: { n: { type: string } } }\n',
  );
  assert.deepEqual(found, [
    'w.yaml:6:53: step "s": input has no "b", which task add requires',
    'w.yaml:6:58: step "s": input.a: steps.f.name is string, but task add takes number',
    'w.yaml:6:75: step "s": input.c is not a field of task add\'s input',
    'w.yaml:7:58: step "t": input.a: steps.f.nope is not in task fetch\'s output',
    'w.yaml:7:75: step "t": input.b: workflow.n is string, but task add takes number',
  ]);
});

test('a producer that may give null (when, on_failure: continue) is not judged', async () => {
  assert.deepEqual(
    await problems(
      '  - { name: g, task: fetch, when: "workflow.go", dependencies: [f] }\n' +
        '  - { name: s, task: add, dependencies: [g], input: { a: steps.g.name, b: 1 } }\n',
    ),
    [],
  );
});
