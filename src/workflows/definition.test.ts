// The definition format: parsing with positions, defaults, and every validation error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflowText } from './parse.ts';
import { validateWorkflow } from './validate.ts';
import { drawGraph } from './graph.ts';
import { formatProblem, WorkflowDefinitionError } from './types.ts';

const DIAMOND = `name: order
version: 1.0.0
description: a diamond
steps:
  - name: fetch
    task: addition
  - name: left
    task: addition@1.0.0
    dependencies: [fetch]
    input:
      a: steps.fetch.result
      b: 1
  - name: right
    task: addition
    depends_on: [fetch]
    retry: { max_attempts: 4, backoff: fixed, backoff_base_ms: 10 }
    when: workflow.go = true
  - name: join
    task: addition
    dependencies: [left, right]
`;

async function problemsOf(text: string, file = 'wf/workflow.yaml') {
  try {
    const def = parseWorkflowText(text, file);
    return (await validateWorkflow(def, { file, text })).map(formatProblem);
  } catch (err) {
    if (err instanceof WorkflowDefinitionError) return err.problems.map(formatProblem);
    throw err;
  }
}

void test('a diamond parses with defaults filled in', () => {
  const def = parseWorkflowText(DIAMOND, 'workflow.yaml');
  assert.equal(def.steps.length, 4);
  assert.deepEqual(def.steps[1]!.dependencies, ['fetch']);
  assert.equal(def.steps[1]!.task_version, '1.0.0');
  assert.deepEqual(def.steps[2]!.dependencies, ['fetch']);
  assert.deepEqual(def.steps[2]!.retry, {
    retryable: true,
    max_attempts: 4,
    backoff: 'fixed',
    backoff_base_ms: 10,
    max_backoff_ms: 30000,
  });
  assert.equal(def.steps[0]!.retry.max_attempts, 1);
  assert.equal(def.steps[3]!.on_failure, 'fail');
});

void test('a valid diamond has no problems and draws as Mermaid and dot', async () => {
  assert.deepEqual(await problemsOf(DIAMOND), []);
  const def = parseWorkflowText(DIAMOND, 'workflow.yaml');
  const mermaid = drawGraph(def, 'mermaid');
  assert.match(mermaid, /^flowchart LR/);
  assert.match(mermaid, /s_fetch --> s_left/);
  assert.match(mermaid, /s_right --> s_join/);
  assert.match(drawGraph(def, 'dot'), /s_left -> s_join;/);
});

void test('malformed YAML and JSON name line and column', async () => {
  assert.deepEqual(
    await problemsOf('name: x\nsteps: [\n', 'w/workflow.yaml').then((p) => p[0]?.slice(0, 18)),
    'w/workflow.yaml:3:',
  );
  const json = await problemsOf('{\n  "name": "x",\n  "steps": [}\n', 'w/workflow.json');
  assert.match(json[0]!, /^w\/workflow\.json:3:\d+: invalid JSON/);
});

void test('shape errors point at the value and name the step', async () => {
  const problems = await problemsOf(DIAMOND.replace('backoff: fixed', 'backoff: linear'));
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^wf\/workflow\.yaml:16:\d+: step "right": steps\.2\.retry\.backoff: /);
  assert.match(
    (await problemsOf(DIAMOND.replace('1.0.0\ndesc', 'one\ndesc')))[0]!,
    /:2:\d+: version: version must be semver/,
  );
});

void test('unknown dependencies, cycles, non-ancestor references and bad expressions', async () => {
  assert.match(
    (await problemsOf(DIAMOND.replace('[left, right]', '[left, nowhere]')))[0]!,
    /:20:\d+: step "join": depends on unknown step "nowhere"/,
  );
  const cycle = await problemsOf(
    DIAMOND.replace(
      '  - name: fetch\n    task: addition\n',
      '  - name: fetch\n    task: addition\n    dependencies: [join]\n',
    ),
  );
  assert.match(
    cycle[0]!,
    /the dependencies form a cycle: (fetch → left → join → fetch|join → fetch → left → join|left → join → fetch → left)/,
  );
  assert.match(
    (await problemsOf(DIAMOND.replace('a: steps.fetch.result', 'a: steps.right.result')))[0]!,
    /:11:\d+: step "left": input reads step "right", which is not an ancestor/,
  );
  assert.match(
    (await problemsOf(DIAMOND.replace('workflow.go = true', 'workflow.go = ')))[0]!,
    /:17:\d+: step "right": when: expression "workflow.go =" does not parse/,
  );
});

void test('for_each must be an array expression; tasks must exist', async () => {
  const fanOut = `name: fan\nversion: 0.1.0\nsteps:\n  - name: each\n    task: addition\n    for_each: '{"a": 1}'\n`;
  assert.match(
    (await problemsOf(fanOut))[0]!,
    /:6:\d+: step "each": for_each "\{"a": 1\}" is not an array expression/,
  );
  const def = parseWorkflowText(DIAMOND, 'w.yaml');
  const problems = await validateWorkflow(def, {
    file: 'w.yaml',
    text: DIAMOND,
    checkTask: async (name, version) =>
      version === '1.0.0' ? `task ${name} has no version ${version}` : undefined,
  });
  assert.deepEqual(problems.map(formatProblem), [
    'w.yaml:8:11: step "left": task addition has no version 1.0.0',
  ]);
});
