// The malformed-input sweep: every /api/v1 route (taken from the server's own route table and the
// OpenAPI document, so a new route is swept without editing this file) gets unknown ids, bad
// JSON, non-object bodies, wrongly typed fields, an oversized body and junk query parameters. The
// answer is always a 4xx (or a 2xx where the input happens to be acceptable) in the error
// envelope; never a 5xx, never a crash.
import assert from 'node:assert/strict';
import { forEachApi, type Api } from './test-helpers.ts';

interface Schema {
  type?: string | string[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
}

type Op = { requestBody?: { content?: Record<string, { schema?: Schema }> } };

const UNKNOWN_IDS = [
  '999999',
  '6f1f4a52-3c1e-5b9a-9d7e-2a8c4b0e7d31',
  'no-such-thing',
  '%F0%9F%92%A5',
  'x'.repeat(100),
];

/** Names every object inherits: a lookup by name must not find Object.prototype's members. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

function checkEnvelope(what: string, res: { status: number; body: unknown }): void {
  assert.ok(res.status < 500, `${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  if (res.status >= 400) {
    const e = (res.body as { error?: { code?: unknown; message?: unknown; status?: unknown } }).error;
    assert.ok(e, `${what}: ${res.status} without the error envelope: ${JSON.stringify(res.body)}`);
    assert.equal(typeof e.code, 'string', what);
    assert.equal(typeof e.message, 'string', what);
    assert.equal(e.status, res.status, what);
  }
}

/** A value no coercion turns into something the field accepts. */
function typesOf(s: Schema): string[] {
  return [s.type ?? [], ...(s.anyOf ?? []).map(typesOf)].flat();
}

function wrongValue(s: Schema): unknown {
  const types = typesOf(s);
  if (types.length === 0) return undefined;
  return types.includes('object') ? 7 : { wrong: true };
}

async function sweep(api: Api): Promise<void> {
  const doc = (await api.call('GET', '/api-docs/openapi.json')).body as {
    paths: Record<string, Record<string, Op>>;
  };
  const routes = api.server.ratchetRoutes.filter((r) => r.path.startsWith('/api/v1/'));
  assert.ok(routes.length >= 45, `expected the whole API, found ${routes.length} routes`);
  const limit = api.app.config.server.body_limit_bytes;
  for (const route of routes) {
    const method = route.method;
    const hasBody = method !== 'GET' && method !== 'DELETE';
    const paths = route.path.includes(':')
      ? UNKNOWN_IDS.map((id) => route.path.replace(/:[a-zA-Z]+/g, id))
      : [route.path];
    for (const p of paths) {
      checkEnvelope(`${method} ${p}`, await api.call(method, p, hasBody ? { body: {} } : {}));
    }
    const target = paths[0]!;
    const tag = `${method} ${route.path}`;
    // Junk query parameters: unknown fields, bad pages, bad sort.
    // A list route (its plain GET answers an array) must read these as unknown fields.
    const isList =
      method === 'GET' &&
      !route.path.includes(':') &&
      Array.isArray((await api.call('GET', target)).body?.data);
    for (const q of [
      '?_start=-1',
      '?_start=a&_end=b',
      '?_sort=nope',
      '?zzz_in=1',
      '?page=0&limit=5000',
      '?_order=sideways&_sort=id',
      ...PROTOTYPE_NAMES.flatMap((n) => [`?_sort=${n}`, `?${n}=1`, `?${n}_in=a,b`, `?${n}_gte=1`]),
    ]) {
      const res = await api.call(method, `${target}${q}`, hasBody ? { body: {} } : {});
      checkEnvelope(`${tag}${q}`, res);
      // A list route reads these as fields it does not have: 400 naming the allowed ones.
      if (isList && PROTOTYPE_NAMES.some((n) => q.includes(n))) {
        assert.equal(res.status, 400, `${tag}${q}: ${JSON.stringify(res.body)}`);
        assert.match(String(res.body.error.message), /cannot (sort by|filter on) .*allowed fields/);
      }
    }
    if (!hasBody) continue;
    for (const raw of ['{"input":', '{bad json}', '[1,2', '"unterminated', '{"__proto__":{"x":1}}']) {
      const res = await api.call(method, target, { raw });
      checkEnvelope(`${tag} raw ${raw}`, res);
      assert.equal(res.status, 400, `${tag} raw ${raw}: ${JSON.stringify(res.body)}`);
    }
    for (const body of [[], 'text', 42, null, true]) {
      checkEnvelope(`${tag} body ${JSON.stringify(body)}`, await api.call(method, target, { body }));
    }
    const huge = JSON.stringify({ input: 'x'.repeat(limit + 10) });
    const big = await api.call(method, target, { raw: huge });
    checkEnvelope(`${tag} huge body`, big);
    assert.equal(big.status, 413, `${tag} huge body`);
    const wrongType = await api.call(method, target, {
      raw: '{"a":1}',
      headers: { 'content-type': 'text/plain' },
    });
    checkEnvelope(`${tag} text/plain`, wrongType);

    // Every typed field wrong at once: one 400 listing each of them.
    const openapiPath = route.path.replace(/:([a-zA-Z]+)/g, '{$1}');
    const schema =
      doc.paths[openapiPath]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
    const wrong: Record<string, unknown> = {};
    for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
      const v = wrongValue(prop);
      if (v !== undefined) wrong[name] = v;
    }
    // A route that takes a version: a text that is not semver is the caller's mistake (4xx).
    if (schema?.properties?.version) {
      for (const version of ['latest-ish', '1.2', 'v1.0.0.0', '99999999999999999.0.0']) {
        const body = { taskId: 'addition', version, input: { num1: 1, num2: 2 } };
        checkEnvelope(`${tag} version ${version}`, await api.call(method, target, { body }));
      }
    }
    if (Object.keys(wrong).length === 0) continue;
    const res = await api.call(method, target, { body: wrong });
    checkEnvelope(`${tag} wrong types`, res);
    assert.equal(res.status, 400, `${tag} wrong types: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    const named = new Set(
      (res.body.error.details.fields as { path: string }[]).map((f) => f.path.split('.')[1]),
    );
    for (const name of Object.keys(wrong))
      assert.ok(named.has(name), `${tag}: field ${name} not reported in ${JSON.stringify(res.body)}`);
  }
  await sweepGraphql(api);
  // Still serving after all of that.
  assert.equal((await api.call('GET', '/api/v1/tasks/addition')).status, 200);
  assert.equal((await api.call('GET', '/health')).status, 200);
}

/** A GraphQL answer to bad input: a 4xx or 200, `errors` each with a message and extensions.code. */
function checkGraphql(what: string, res: { status: number; body: unknown }): void {
  assert.ok(res.status < 500, `${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const errors = (res.body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] }).errors;
  assert.ok(Array.isArray(errors) && errors.length > 0, `${what}: no errors in ${JSON.stringify(res.body)}`);
  for (const e of errors) {
    assert.equal(typeof e.message, 'string', what);
    assert.equal(typeof e.extensions?.code, 'string', `${what}: ${JSON.stringify(e)}`);
    assert.notEqual(e.extensions?.code, 'INTERNAL_SERVER_ERROR', `${what}: ${JSON.stringify(e)}`);
  }
}

const BAD_GRAPHQL = [
  '{ tasks { items { ',
  '{ tasks { nope } }',
  'query { jobs(status: SLEEPING) { total } }',
  'mutation { nope }',
  '{ a: tasks { total } a: jobs { total } }',
  `{ execution(id: "${'x'.repeat(2000)}") { id } }`,
  '{ job(id: "-1") { id } }',
  '{ tasks(pagination: { limit: 5000 }) { total } }',
  '{ tasks(pagination: { offset: -1 }) { total } }',
  '{ tasks(pagination: { page: 0 }) { total } }',
  '{ tasks(pagination: { offset: 1, page: 2 }) { total } }',
  '{ tasks(pagination: { after: "not-a-cursor" }) { total } }',
  '{ tasks(sort: { field: "secret" }) { total } }',
  '{ jobs(filter: [{ field: "status", op: GT, value: { a: 1 } }]) { total } }',
  '{ jobs(filter: [{ field: "priority", op: IN, value: [[1]] }]) { total } }',
  ...PROTOTYPE_NAMES.flatMap((n) => [
    `{ tasks(filter: [{ field: "${n}", value: 1 }]) { total } }`,
    `{ jobs(sort: { field: "${n}" }) { total } }`,
    `{ task(name: "${n}") { id } }`,
  ]),
  '{ task { id } }',
  '{ task(id: 1, name: "addition") { id } }',
  'mutation { executeTaskDirect(taskId: "addition", input: "{bad") { success } }',
  'mutation { executeTaskDirect(input: "{}") { success } }',
  'mutation { executeTaskDirect(taskId: "addition", input: { num1: "x" }) { success } }',
  'mutation { executeTaskDirect(taskId: "addition", version: "latest-ish") { success } }',
  'mutation { createJob(input: { taskId: "addition", priority: URGENT }) { id } }',
  'mutation { createJob(input: { taskId: "addition", scheduledFor: "yesterday" }) { id } }',
  'mutation { createJob(input: { taskId: "addition", outputDestinations: [{ type: "ftp" }] }) { id } }',
  'mutation { createSchedule(input: { taskId: "addition", cronExpression: "every day" }) { id } }',
  'mutation { createTask(input: { name: "broken", code: "(input) => {" }) { id } }',
  'mutation { updateTask(id: "addition", input: { version: "0.0.1" }) { id } }',
  'mutation { cancelJob(id: "999999") { stopping } }',
  'subscription { jobUpdated { job { id } } }',
  `{ ${'tasks { items { '.repeat(30)}id${' } }'.repeat(30)} }`,
];

async function sweepGraphql(api: Api): Promise<void> {
  for (const query of BAD_GRAPHQL)
    checkGraphql(query.slice(0, 80), await api.call('POST', '/graphql', { body: { query } }));
  const bodies: unknown[] = [
    {},
    { query: 42 },
    { query: { kind: 'Document', definitions: [{ kind: 'Nope' }] } },
    { query: '{"kind":"Document","definitions":[{"kind":"OperationDefinition"}]}' },
    { query: '{ tasks { total } }', variables: 'notjson' },
    { query: 'query($n: Int) { tasks(pagination: { limit: $n }) { total } }', variables: { n: 'abc' } },
    { query: 'query($f: [FilterInput!]) { tasks(filter: $f) { total } }', variables: { f: [{ op: 'EQ' }] } },
    { query: '{ tasks { total } }', operationName: 'Missing' },
    [],
    'text',
    null,
  ];
  for (const body of bodies)
    checkGraphql(`body ${JSON.stringify(body)}`, await api.call('POST', '/graphql', { body }));
  for (const raw of ['{"query":', '{bad json}', '[1,2', '"unterminated']) {
    const res = await api.call('POST', '/graphql', { raw });
    checkGraphql(`raw ${raw}`, res);
    assert.equal(res.status, 400, `raw ${raw}`);
  }
  const huge = await api.call('POST', '/graphql', {
    raw: JSON.stringify({
      query: `{ tasks { total } } #${'x'.repeat(api.app.config.graphql.body_limit_bytes)}`,
    }),
  });
  checkGraphql('huge body', huge);
  assert.equal(huge.status, 413);
  for (const q of [
    '?query=%7B%20tasks',
    '?query=mutation%20%7B%20syncRepositories%20%7B%20ok%20%7D%20%7D',
    '?query=%7Btasks%7Btotal%7D%7D&variables=%7Bx',
  ]) {
    checkGraphql(`GET /graphql${q}`, await api.call('GET', `/graphql${q}`));
  }
}

forEachApi('malformed input on every route: always a 4xx envelope, never a 5xx', sweep);
