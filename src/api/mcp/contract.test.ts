// What every tool promises a model, checked over ALL_TOOLS: honest annotations (a viewer's `read`
// tools change nothing), described arguments and results, one name per concept (`task_id`,
// `new_version`, `page`/`limit`, `include_*`), and the deprecated names renamed centrally without
// loosening validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, saveTask } from '../../workers/test-helpers.ts';
import { DEPRECATED_ARGUMENTS } from './aliases.ts';
import { runTool, toolJsonSchemas } from './framework.ts';
import type { ToolDefinition } from './tool.ts';
import { ALL_TOOLS } from './tools/index.ts';

interface JsonSchema {
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

/** `$.a.b[]` paths of every object property (nested too) without a description. */
function undescribed(s: JsonSchema, path: string, out: string[]): string[] {
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    if (!v.description) out.push(`${path}.${k}`);
    undescribed(v, `${path}.${k}`, out);
  }
  if (s.items) undescribed(s.items, `${path}[]`, out);
  for (const a of s.anyOf ?? []) undescribed(a, path, out);
  return out;
}

const sentences = (text: string): number =>
  text.split(/[.!?](?:\s|$)/).filter((s) => s.trim().length > 3).length;

test('every tool: annotations are consistent with its access level', () => {
  const problems: string[] = [];
  for (const t of ALL_TOOLS) {
    const a = t.annotations;
    if (t.access === 'read' && !a.readOnlyHint) problems.push(`${t.name}: access read but not readOnlyHint`);
    if (a.readOnlyHint && a.destructiveHint) problems.push(`${t.name}: readOnlyHint and destructiveHint`);
    if (/^ratchet_(delete|cancel)_/.test(t.name) && !a.destructiveHint)
      problems.push(`${t.name}: deletes or cancels but is not destructiveHint`);
    // ratchet_get_execution_profile keeps the guide's name although it runs the task to profile it.
    const runsUnderGetName =
      t.name === 'ratchet_get_execution_profile' && a.openWorldHint && t.access === 'run';
    if (/^ratchet_(get|list)_/.test(t.name) && !a.readOnlyHint && !runsUnderGetName)
      problems.push(`${t.name}: a get/list tool that is not readOnlyHint`);
  }
  assert.deepEqual(problems, []);
});

test('tools that run task code (which can fetch) are open-world and not read-only', () => {
  const runsCode = [
    'ratchet_execute_task',
    'ratchet_batch_execute',
    'ratchet_benchmark_task',
    'ratchet_debug_task_execution',
    'ratchet_run_task_tests',
    'ratchet_run_single_test',
    'ratchet_create_job',
    'ratchet_create_jobs',
    'ratchet_retry_execution',
    'ratchet_schedule_task',
  ];
  for (const name of runsCode) {
    const t = ALL_TOOLS.find((d) => d.name === name);
    assert.ok(t, name);
    assert.deepEqual([t.annotations.readOnlyHint, t.annotations.openWorldHint], [false, true], name);
  }
  // Validation runs the cases offline and records nothing, so viewers may call it.
  const validate = ALL_TOOLS.find((d) => d.name === 'ratchet_validate_task')!;
  assert.equal(validate.access, 'read');
  assert.deepEqual(validate.annotations, {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  });
});

test('every tool: descriptions say what it does and what it returns; every argument is described', () => {
  const problems: string[] = [];
  for (const t of ALL_TOOLS) {
    if (sentences(t.description) < 2) problems.push(`${t.name}: description is one sentence`);
    if (!/\breturns?\b/i.test(t.description))
      problems.push(`${t.name}: description does not say what it returns`);
    for (const path of undescribed(toolJsonSchemas(t).input, '$', []))
      problems.push(`${t.name}: argument ${path} has no description`);
  }
  assert.deepEqual(problems, []);
});

test('every tool: one name per concept in its arguments', () => {
  const problems: string[] = [];
  for (const t of ALL_TOOLS) {
    const shape = t.input.shape as Record<string, unknown>;
    const props = (toolJsonSchemas(t).input as JsonSchema).properties ?? {};
    for (const old of ['task', 'tasks', 'id', 'with_reference', 'offset'])
      if (old in shape) problems.push(`${t.name}: argument "${old}"`);
    for (const [name, schema] of Object.entries(props)) {
      if (name === 'task_id' && !/numeric id, UUID or name/.test(schema.description ?? ''))
        problems.push(`${t.name}: task_id described as "${schema.description}"`);
      if (/^(with|show)_/.test(name)) problems.push(`${t.name}: ${name} (flags are include_*)`);
    }
    // A list that pages takes page and limit together (limit alone caps a short list).
    if ('page' in shape && !('limit' in shape)) problems.push(`${t.name}: page without limit`);
  }
  assert.deepEqual(problems, []);
  // Every deprecated name maps to a name some tool really has.
  const canonical = new Set(ALL_TOOLS.flatMap((t) => Object.keys(t.input.shape)));
  for (const [old, now] of Object.entries(DEPRECATED_ARGUMENTS))
    assert.ok(canonical.has(now), `${old} → ${now}`);
});

const named = (name: string): ToolDefinition => ALL_TOOLS.find((t) => t.name === name)!;

test('deprecated argument names are renamed before validation, and only where that is unambiguous', async () => {
  const t = await createTestApp('sqlite');
  try {
    await saveTask(t.app, 'adder', '(function(input) {\n  return { sum: input.a + input.b };\n})\n');
    const ctx = {
      app: t.app,
      principal: { name: 'agent', role: 'admin' as const },
      progress: () => undefined,
      signal: new AbortController().signal,
    };
    const call = (name: string, args: unknown) => runTool(named(name), args, ctx);
    const text = (r: { content: { text: string }[] }) => r.content.map((c) => c.text).join('\n');

    const info = await call('ratchet_get_task_info', { task: 'adder' });
    assert.equal(info.isError, undefined, text(info));
    assert.equal((info.structuredContent.task as { name: string }).name, 'adder');
    assert.equal(info.content[1]?.text, 'note: argument "task" is deprecated; use "task_id"');
    assert.deepEqual(JSON.parse(info.content[0]!.text), info.structuredContent);

    const canonical = await call('ratchet_get_task_info', { task_id: 'adder' });
    assert.equal(canonical.content.length, 1);

    // `version` means "save as" only where the tool has new_version and no version of its own.
    const edited = await call('ratchet_update_task_code', {
      task: 'adder',
      code: '(function(input) {\n  return { sum: input.b + input.a };\n})\n',
      version: '1.5.0',
    });
    assert.equal(edited.isError, undefined, text(edited));
    assert.equal(edited.structuredContent.created_version, '1.5.0');
    const old = await call('ratchet_get_task_info', { task_id: 'adder', version: '1.0.0' });
    assert.equal((old.structuredContent.version as { version: string }).version, '1.0.0');

    // Both names at once: the old one is not renamed, so it is rejected by name.
    const both = await call('ratchet_get_task_info', { task: 'adder', task_id: 'adder' });
    assert.equal(both.isError, true);
    assert.match(text(both), /\$\.task: unknown argument; allowed: task_id, version/);
    // A tool without task_id does not take `task` either; other unknown names are still named.
    const health = await call('ratchet_system_health', { task: 'adder' });
    assert.match(text(health), /\$\.task: unknown argument/);
    const extra = await call('ratchet_list_task_versions', { task: 'adder', taskName: 'adder' });
    assert.equal(extra.isError, true);
    assert.match(text(extra), /\$\.taskName: unknown argument; allowed: task_id/);
    assert.doesNotMatch(text(extra), /\$\.task:/);
    // A renamed argument is validated like the canonical one.
    const wrong = await call('ratchet_get_task_info', { task: 7 });
    assert.match(text(wrong), /\$\.task_id: expected string, got 7/);

    const results = await call('ratchet_get_results', { id: 999 });
    assert.equal((results.structuredContent as { error: { code: string } }).error.code, 'NOT_FOUND');
    const guide = await call('ratchet_get_developer_integration_guide', { with_reference: true });
    assert.match(guide.structuredContent.markdown as string, /## Tool reference/);
    const exported = await call('ratchet_export_tasks', { tasks: ['adder'] });
    assert.deepEqual(
      (exported.structuredContent.tasks as { name: string }[]).map((x) => x.name),
      ['adder'],
    );
  } finally {
    await t.close();
  }
});

test('an answer is sent as its output schema declares it: undeclared fields dropped, a mismatch an INTERNAL_ERROR', async () => {
  const { z } = await import('zod');
  const { defineTool } = await import('./tool.ts');
  let answer: unknown = { n: 1, extra: { keyword: 'type' } };
  const def = defineTool({
    name: 'ratchet_fake_answer',
    title: 'Fake',
    description: 'A tool for this test. Returns n.',
    input: z.object({}),
    output: z.object({ n: z.number().int() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    access: 'read',
    example: {},
    handler: async () => answer as { n: number },
  });
  const ctx = {
    app: undefined as never,
    principal: { name: 'agent', role: 'admin' as const },
    progress: () => undefined,
    signal: new AbortController().signal,
  };
  const good = await runTool(def, {}, ctx);
  assert.deepEqual(good.structuredContent, { n: 1 });
  assert.deepEqual(JSON.parse(good.content[0]!.text), { n: 1 });
  answer = { n: 'one' };
  const bad = await runTool(def, {}, ctx);
  assert.equal(bad.isError, true);
  assert.equal((bad.structuredContent as { error: { code: string } }).error.code, 'INTERNAL_ERROR');
  assert.match(bad.content[0]!.text, /ratchet_fake_answer does not match its declared output schema \(n: /);
});
