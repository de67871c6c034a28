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
  // Still serving after all of that.
  assert.equal((await api.call('GET', '/api/v1/tasks/addition')).status, 200);
  assert.equal((await api.call('GET', '/health')).status, 200);
}

forEachApi('malformed input on every route: always a 4xx envelope, never a 5xx', sweep);
