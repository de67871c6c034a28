// `ratchet generate task from-openapi` through the built CLI, on the OpenAPI 3.1 fixture
// test/fixtures/openapi/users-api.yaml: the generated task validates, passes its generated tests,
// and calls a real server on 127.0.0.1 when its baseUrl points there; the document can come from
// a URL; a 3.0 document's schema dialect is converted; bad input gets one clear line.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.ts';

const SPEC = join(ROOT, 'test', 'fixtures', 'openapi', 'users-api.yaml');
const root = await mkdtemp(join(tmpdir(), 'ratchet-openapi-'));
after(() => rm(root, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated files are checked field by field
const readJson = async (path: string): Promise<any> => JSON.parse(await readFile(path, 'utf8'));

test('getUser from the 3.1 fixture: validates, passes its generated tests, calls a real server', async () => {
  const g = await runCli(
    ['generate', 'task', 'from-openapi', '--spec-url', SPEC, '--operation', 'getUser', '--auto-test-cases'],
    { cwd: root },
  );
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /^created .*getUser for GET \/users\/\{userId\} \(getUser\):/);
  const dir = join(root, 'getUser'); // the folder defaults to the operation id
  const meta = await readJson(join(dir, 'metadata.json'));
  assert.deepEqual([meta.name, meta.description], ['get-user', 'Returns one user with their team']);
  const input = await readJson(join(dir, 'input.schema.json'));
  assert.deepEqual(Object.keys(input.properties), ['baseUrl', 'userId', 'fields', 'X-Request-Id']);
  assert.deepEqual(input.required, ['userId']);
  assert.equal(
    input.properties.baseUrl.default,
    'https://eu.users.example.com/v1',
    'server variable filled in',
  );
  const output = await readJson(join(dir, 'output.schema.json'));
  assert.equal(output.$defs.Team.properties.subteams.items.$ref, '#/$defs/Team');

  const v = await runCli(['validate', dir]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /0 errors, 0 warnings/);
  const t = await runCli(['test', dir, '--json']);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  const report = JSON.parse(t.stdout);
  assert.deepEqual([report.totals.passed, report.totals.failed], [4, 0]);

  // The same task against a real server, through the baseUrl input.
  const seen: string[] = [];
  const api = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['x-request-id'] ?? ''}`);
    const found = req.url?.startsWith('/v1/users/42');
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(found ? { id: 42, name: 'Ada' } : { message: 'no such user' }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(api.address() as AddressInfo).port}`;
  try {
    const run = (userId: number) =>
      runCli([
        'run-once',
        dir,
        '--allow-host',
        host,
        '--json',
        '--input-json',
        JSON.stringify({ userId, fields: ['name'], 'X-Request-Id': 'r1', baseUrl: `http://${host}/v1/` }),
      ]);
    const okRun = JSON.parse((await run(42)).stdout);
    assert.deepEqual(okRun.output, { id: 42, name: 'Ada' });
    const missing = JSON.parse((await run(7)).stdout);
    assert.equal(missing.error.type, 'HttpError');
    assert.equal(
      missing.error.message,
      `GET http://${host}/v1/users/7?fields=name answered 404: no such user`,
    );
    assert.deepEqual(seen, ['GET /v1/users/42?fields=name r1', 'GET /v1/users/7?fields=name r1']);
  } finally {
    await new Promise<void>((r) => api.close(() => r()));
  }
});

test('a document served over HTTP, --path and --json; the skipped parts are said', async () => {
  const text = await readFile(SPEC, 'utf8');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/yaml' });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.yaml`;
  try {
    const dir = join(root, 'made', 'create-user');
    const g = await runCli([
      'generate',
      'task',
      'from-openapi',
      '--spec-url',
      url,
      '--operation',
      'createUser',
      '--auto-test-cases',
      '--path',
      dir,
      '--json',
    ]);
    assert.equal(g.code, 0, g.stderr);
    const out = JSON.parse(g.stdout);
    assert.deepEqual(out.files, [
      'metadata.json',
      'main.js',
      'input.schema.json',
      'output.schema.json',
      'tests/test-001.json',
      'tests/test-002.json',
    ]);
    const created = await readJson(join(dir, 'tests', 'test-001.json'));
    assert.deepEqual(created.input, { body: { name: 'Grace' } });
    assert.equal(created.mock_http.requests[0].method, 'POST');
    const t = await runCli(['test', dir]);
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /Tests: 2 passed, 0 failed/);

    const avatar = await runCli([
      'generate',
      'task',
      'from-openapi',
      '--spec-url',
      url,
      '--operation',
      'uploadAvatar',
      '--path',
      join(root, 'avatar'),
    ]);
    assert.equal(avatar.code, 0, avatar.stderr);
    assert.match(avatar.stdout, /skipped:\n {2}- the cookie parameter "session"/);
    assert.match(avatar.stdout, /the request body \(multipart\/form-data\) is not JSON/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('OpenAPI 3.0 JSON: nullable and boolean exclusiveMinimum become draft-07; made-up values are said', async () => {
  const doc = {
    openapi: '3.0.3',
    info: { title: 'Stock', version: '1' },
    servers: [{ url: 'https://stock.example.com' }],
    paths: {
      '/items': {
        get: {
          operationId: 'list_items',
          parameters: [
            {
              name: 'min',
              in: 'query',
              required: true,
              schema: { type: 'number', minimum: 0, exclusiveMinimum: true },
            },
            { name: 'tag', in: 'query', schema: { type: 'string', nullable: true } },
          ],
          responses: {
            '200': {
              description: 'items',
              content: {
                'application/json': {
                  schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } },
                },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          type: 'object',
          required: ['sku'],
          properties: { sku: { type: 'string', example: 'A-1' }, note: { type: 'string', nullable: true } },
        },
      },
    },
  };
  const file = join(root, 'stock.json');
  await writeFile(file, JSON.stringify(doc, null, 2));
  const g = await runCli(
    [
      'generate',
      'task',
      'from-openapi',
      '--spec-url',
      file,
      '--operation',
      'list_items',
      '--auto-test-cases',
    ],
    { cwd: root },
  );
  assert.equal(g.code, 0, g.stderr);
  assert.match(
    g.stdout,
    /no example in the document for min: the test input uses values made up from the schema/,
  );
  assert.match(g.stdout, /the 200 response has no example/);
  const dir = join(root, 'list_items');
  const input = await readJson(join(dir, 'input.schema.json'));
  assert.equal(input.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.deepEqual(input.properties.min, { type: 'number', exclusiveMinimum: 0 });
  assert.deepEqual(input.properties.tag, { type: ['string', 'null'] });
  assert.equal((await readJson(join(dir, 'metadata.json'))).name, 'list-items');
  const t = await runCli(['test', dir]);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /Tests: 1 passed, 0 failed/);
});

test('bad input: unknown operation, unparsable and non-OpenAPI documents, an existing folder', async () => {
  const gen = (...args: string[]) => runCli(['generate', 'task', 'from-openapi', ...args], { cwd: root });
  const unknown = await gen('--spec-url', SPEC, '--operation', 'deleteUser');
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.stderr,
    /no operation has the operationId "deleteUser"; the operations are: getUser, createUser, exportUsers, uploadAvatar/,
  );
  await mkdir(join(root, 'bad'), { recursive: true });
  await writeFile(join(root, 'bad', 'broken.yaml'), 'openapi: 3.1.0\npaths:\n  /a: [\n');
  const broken = await gen('--spec-url', 'bad/broken.yaml', '--operation', 'x');
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /^error: generate task from-openapi: bad\/broken\.yaml:4:1: invalid YAML: /);
  assert.doesNotMatch(broken.stderr, /\n\s+at /, 'no stack trace');
  await writeFile(join(root, 'bad', 'broken.json'), '{ "openapi": "3.1.0", "paths": { "/a": } }');
  const brokenJson = await gen('--spec-url', 'bad/broken.json', '--operation', 'x');
  assert.match(brokenJson.stderr, /bad\/broken\.json:1:\d+: invalid JSON/);
  await writeFile(join(root, 'bad', 'package.json'), '{ "name": "x" }');
  const notOpenApi = await gen('--spec-url', 'bad/package.json', '--operation', 'x');
  assert.match(
    notOpenApi.stderr,
    /bad\/package\.json: not an OpenAPI document: it has no "openapi" version field/,
  );
  const missingFile = await gen('--spec-url', 'bad/nope.yaml', '--operation', 'x');
  assert.match(missingFile.stderr, /cannot read the OpenAPI document .*nope\.yaml: no such file/);

  const foreign = await gen('--spec-url', SPEC, '--operation', 'getUser', '--template', 'api');
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /--template does not apply to a task made from an OpenAPI operation/);

  const dir = join(root, 'exists');
  await mkdir(dir);
  await writeFile(join(dir, 'notes.txt'), 'mine');
  const refused = await gen('--spec-url', SPEC, '--operation', 'exportUsers', '--path', dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /already exists and is not empty \(1 entries\); use --force/);
  const forced = await gen('--spec-url', SPEC, '--operation', 'exportUsers', '--path', dir, '--force');
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /the 200 response is not JSON \(text\/csv\)/);
  assert.equal(await readFile(join(dir, 'notes.txt'), 'utf8'), 'mine');
});
