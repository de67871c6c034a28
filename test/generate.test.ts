// `ratchet generate task|templates|mcpservers-json` through the built CLI: every template yields a
// task that passes `validate` and `test` as generated; existing folders are protected.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from './helpers/cli.ts';

const root = await mkdtemp(join(tmpdir(), 'ratchet-generate-'));
after(() => rm(root, { recursive: true, force: true }));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('generate templates lists at least the six templates, as text and JSON', async () => {
  const r = await runCli(['generate', 'templates', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; description: string }[];
  const names = list.map((t) => t.name);
  for (const n of [
    'starter',
    'basic',
    'http-api',
    'data-transform',
    'validation',
    'webhook-handler',
    'scheduled-job',
  ]) {
    assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
  }
  for (const t of list) assert.ok(t.description.length > 10, t.name);
  const text = await runCli(['generate', 'templates']);
  assert.equal(text.code, 0);
  assert.equal(text.stdout.trim().split('\n').length, list.length);
  assert.match(text.stdout, /^http-api\s+calls a REST API/m);
});

test('every template but the starter generates a task that passes validate and test as generated', async () => {
  const list = JSON.parse((await runCli(['generate', 'templates', '--json'])).stdout) as { name: string }[];
  await Promise.all(
    list
      .filter(({ name }) => name !== 'starter')
      .map(async ({ name }) => {
        const dir = join(root, `t-${name}`);
        const g = await runCli(['generate', 'task', dir, '--template', name, '--label', `My ${name}`]);
        assert.equal(g.code, 0, `${name}: ${g.stderr}`);
        const v = await runCli(['validate', dir]);
        assert.equal(v.code, 0, `${name} validate:\n${v.stdout}${v.stderr}`);
        assert.match(v.stdout, /0 errors, 0 warnings/, `${name} validate:\n${v.stdout}`);
        const t = await runCli(['test', dir, '--json']);
        assert.equal(t.code, 0, `${name} test:\n${t.stdout}${t.stderr}`);
        const report = JSON.parse(t.stdout) as { ok: boolean; totals: { passed: number; cases: number } };
        assert.equal(report.ok, true);
        assert.ok(report.totals.cases >= 1 && report.totals.passed === report.totals.cases, name);
      }),
  );
  // The HTTP templates come with mocked tests.
  for (const name of ['http-api', 'webhook-handler', 'scheduled-job']) {
    const tests = join(root, `t-${name}`, 'tests');
    const texts = await Promise.all((await readdir(tests)).map((f) => readFile(join(tests, f), 'utf8')));
    assert.ok(
      texts.some((t) => 'mock_http' in (JSON.parse(t) as object)),
      `${name} has no mock_http test`,
    );
  }
});

test('the default template (starter) leaves nothing that contradicts the code its author writes', async () => {
  const dir = join(root, 'my-start');
  const g = await runCli(['generate', 'task', dir, '--label', 'My Start']);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /from the starter template/);
  assert.match(g.stdout, /ratchet run-once .*my-start --input-json '\{\}'/);
  assert.doesNotMatch(g.stdout, /ratchet test/);
  assert.deepEqual((await readdir(dir)).sort(), [
    'input.schema.json',
    'main.js',
    'metadata.json',
    'output.schema.json',
  ]);
  const meta = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as { test_match?: string };
  assert.equal(meta.test_match, 'partial');
  const v = await runCli(['validate', dir]);
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /0 errors, 1 warning\n/);
  assert.match(v.stdout, /warning tests: no test cases/);
  // Any main.js returning an object satisfies its output schema until the author describes it.
  await writeFile(
    join(dir, 'main.js'),
    '(function (input) { return { anything: [1, 2], at: Date.now() }; })\n',
  );
  const r = await runCli(['run-once', dir, '--input-json', '{"x": 1}']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(Object.keys(JSON.parse(r.stdout) as object), ['anything', 'at']);
});

test('generate task writes metadata from the flags (uuid, name, label, version, author, tags)', async () => {
  const dir = join(root, 'Weather Service');
  const r = await runCli([
    'generate',
    'task',
    '--path',
    dir,
    '--label',
    'Weather Service Fetcher',
    '--description',
    'Fetches the weather',
    '--version=2.1.0',
    '--author',
    'LLM Agent',
    '--tags',
    'weather, api,external',
    '--template',
    'http-api',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
  assert.match(meta.uuid, UUID);
  assert.equal(meta.name, 'weather-service');
  assert.equal(meta.label, 'Weather Service Fetcher');
  assert.equal(meta.description, 'Fetches the weather');
  assert.equal(meta.version, '2.1.0');
  assert.equal(meta.author, 'LLM Agent');
  assert.deepEqual(meta.tags.slice(0, 3), ['weather', 'api', 'external']);
  assert.match(
    await readFile(join(dir, 'main.js'), 'utf8'),
    /^\/\/ Weather Service Fetcher: Fetches the weather/,
  );
  const other = join(root, 'second');
  await runCli(['generate', 'task', other]);
  const meta2 = JSON.parse(await readFile(join(other, 'metadata.json'), 'utf8'));
  assert.notEqual(meta2.uuid, meta.uuid);
  assert.equal(meta2.version, '1.0.0');
  assert.equal(meta2.label, 'Second');
});

test('generate task refuses a non-empty folder unless --force; bad flags are usage errors', async () => {
  const dir = join(root, 'occupied');
  await mkdir(dir);
  await writeFile(join(dir, 'notes.txt'), 'mine');
  const refused = await runCli(['generate', 'task', dir]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /already exists and is not empty.*--force/);
  await assert.rejects(readFile(join(dir, 'metadata.json')));
  const forced = await runCli(['generate', 'task', dir, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(await readFile(join(dir, 'notes.txt'), 'utf8'), 'mine');
  assert.equal((await runCli(['validate', dir])).code, 0);

  const empty = join(root, 'empty');
  await mkdir(empty);
  assert.equal((await runCli(['generate', 'task', empty])).code, 0, 'an empty folder is fine');

  const unknown = await runCli(['generate', 'task', join(root, 'u'), '--template', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown template "nope".*basic, http-api, data-transform/);
  const badVersion = await runCli(['generate', 'task', join(root, 'v'), '--version=one']);
  assert.equal(badVersion.code, 2);
  assert.match(badVersion.stderr, /semantic version/);
  const none = await runCli(['generate', 'task']);
  assert.equal(none.code, 2);
});

test('generate mcpservers-json prints the mcpServers block and the claude mcp add line', async () => {
  const r = await runCli(['generate', 'mcpservers-json'], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  const config = JSON.parse(r.stdout);
  const server = config.mcpServers.ratchet;
  // Run as `node dist/cli/main.js`: the command is this Node and the script its first argument.
  assert.equal(server.command, process.execPath);
  assert.deepEqual(server.args, [CLI, 'mcp-serve']);
  // Without a config file, the database of the folder it was printed in, wherever the client starts.
  const pinned = `RATCHET_DATABASE_URL=sqlite://${join(root, 'data', 'ratchet.db')}`;
  assert.deepEqual(server.env, { RATCHET_DATABASE_URL: pinned.split('=')[1] });

  const withConfig = await runCli(['--config', 'conf/ratchet.yaml', 'generate', 'mcpservers-json'], {
    cwd: root,
  });
  assert.deepEqual(JSON.parse(withConfig.stdout).mcpServers.ratchet.args, [
    CLI,
    '--config',
    join(root, 'conf', 'ratchet.yaml'),
    'mcp-serve',
  ]);
  assert.equal(JSON.parse(withConfig.stdout).mcpServers.ratchet.env, undefined);

  const claude = await runCli(['generate', 'mcpservers-json', '--format', 'claude-config'], { cwd: root });
  assert.equal(claude.code, 0);
  assert.equal(
    claude.stdout.trim(),
    `claude mcp add ratchet -e ${pinned} -- ${process.execPath} ${CLI} mcp-serve`,
  );
  const spaced = await runCli(
    ['generate', 'mcpservers-json', '--format', 'claude-config', '--config', "my conf's.yaml"],
    {
      cwd: root,
    },
  );
  assert.ok(
    spaced.stdout.trim().endsWith(`--config '${join(root, "my conf'\\''s.yaml")}' mcp-serve`),
    spaced.stdout,
  );
  const bad = await runCli(['generate', 'mcpservers-json', '--format', 'yaml']);
  assert.equal(bad.code, 2);
});

test("the task guide's generate commands work as written: template names, limits, strict input", async () => {
  const cwd = await mkdtemp(join(root, 'guide-'));
  const api = await runCli([
    'generate',
    'task',
    join(cwd, 'my-api-task'),
    '--label',
    'API Integration Task',
    '--description',
    'Fetches data from external API',
    '--template',
    'api',
    '--include-tests',
    '--include-docs',
  ]);
  assert.equal(api.code, 0, api.stderr);
  assert.match(api.stdout, /from the http-api template/);
  // --include-tests: a case per input the schema rejects, each expecting ValidationError.
  const apiTests = (await readdir(join(cwd, 'my-api-task', 'tests'))).filter((f) =>
    f.startsWith('generated-'),
  );
  assert.ok(apiTests.includes('generated-004-id-missing.json'), apiTests.join(', '));
  for (const f of apiTests) {
    const c = JSON.parse(await readFile(join(cwd, 'my-api-task', 'tests', f), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual([c.should_fail, c.expected_error], [true, { type: 'ValidationError' }], f);
  }
  const apiRun = await runCli(['test', join(cwd, 'my-api-task')]);
  assert.equal(apiRun.code, 0, apiRun.stdout);
  assert.match(apiRun.stdout, new RegExp(`Tests: ${3 + apiTests.length} passed, 0 failed`));
  // --include-docs: README.md with the input fields from the schema and the commands.
  const readme = await readFile(join(cwd, 'my-api-task', 'README.md'), 'utf8');
  assert.match(readme, /^# API Integration Task\n\nFetches data from external API\n/);
  assert.match(readme, /\| `id` \| string or integer \| yes \| The item to fetch \|/);
  assert.match(readme, /ratchet test .*my-api-task\n/);
  const noExtras = await runCli(['generate', 'task', join(cwd, 'plain-api'), '--template', 'api']);
  assert.equal(noExtras.code, 0, noExtras.stderr);
  assert.deepEqual((await readdir(join(cwd, 'plain-api', 'tests'))).sort(), [
    'test-001.json',
    'test-002.json',
    'test-003.json',
  ]);
  await rm(join(cwd, 'plain-api'), { recursive: true });
  const rest = await runCli([
    'generate',
    'task',
    join(cwd, 'weather-service'),
    '--from-template',
    'rest-api',
    '--author',
    'LLM Agent',
    '--tags',
    'weather,api,external',
  ]);
  assert.equal(rest.code, 0, rest.stderr);
  const dir = join(cwd, 'data-processor');
  const limits = await runCli([
    'generate',
    'task',
    dir,
    '--timeout',
    '60000',
    '--memory-limit',
    '256MB',
    '--retry-attempts',
    '3',
    '--input-validation',
    'strict',
  ]);
  assert.equal(limits.code, 0, limits.stderr);
  const meta = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual([meta.timeout, meta.memory_limit, meta.max_retries], [60000, '256MB', 3]);
  const schema = JSON.parse(await readFile(join(dir, 'input.schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.equal(schema.additionalProperties, false);
  assert.equal((await runCli(['validate', dir])).code, 0);
  // The default (starter) template has no tests yet; its strict input schema takes only what it declares.
  assert.equal((await runCli(['run-once', dir, '--input-json', '{}'])).code, 0);
  const undeclared = await runCli(['run-once', dir, '--input-json', '{"x": 1}']);
  assert.equal(undeclared.code, 1);
  assert.match(undeclared.stderr, /ValidationError/);
  const bad = await runCli(['generate', 'task', join(cwd, 'bad'), '--memory-limit', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /\$\.memory_limit: "lots" is not a memory size/);
  assert.deepEqual(
    (await readdir(cwd)).sort(),
    ['data-processor', 'my-api-task', 'weather-service'],
    'nothing written for the refused one',
  );
  const mode = await runCli(['generate', 'task', join(cwd, 'x'), '--input-validation', 'lax']);
  assert.equal(mode.code, 2);
  assert.match(mode.stderr, /--input-validation must be strict or loose/);
});
