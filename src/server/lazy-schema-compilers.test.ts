// Route schemas compile on first use: every schema of the whole server still compiles (checked
// here at once, since a start no longer does), a broken schema is caught by that check, and a
// lazily compiled validator and serializer behave as Fastify's eager ones (400 naming the field,
// coercion, response fields filtered).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { withServer } from './test-helpers.ts';
import { compileEveryRouteSchema, lazySchemaCompilers, rememberCompilers } from './lazy-schema-compilers.ts';

void test('every route schema of the whole server compiles', () =>
  withServer('sqlite', {}, async ({ server }) => {
    const compiled = compileEveryRouteSchema(server);
    assert.ok(compiled > 50, `compiled ${compiled} route schemas`);
    assert.equal(compileEveryRouteSchema(server), 0, 'nothing left to compile the second time');
  }));

async function smallServer(schema: Record<string, unknown>) {
  const compilers = lazySchemaCompilers();
  const server = Fastify({
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array' } },
    schemaController: { compilersFactory: compilers.compilersFactory },
  });
  rememberCompilers(server, compilers);
  server.post('/items', { schema }, async (request) => ({ ...(request.body as object), secret: 'x' }));
  await server.ready();
  return server;
}

void test('a schema that cannot compile does not stop the start; compileEveryRouteSchema names it', async () => {
  const server = await smallServer({ body: { type: 'object', properties: { n: { type: 'no-such-type' } } } });
  try {
    assert.throws(() => compileEveryRouteSchema(server), /no-such-type|type/);
  } finally {
    await server.close();
  }
});

void test('a lazily compiled validator and serializer behave as the eager ones', async () => {
  const server = await smallServer({
    body: {
      type: 'object',
      required: ['name', 'count'],
      properties: {
        name: { type: 'string' },
        count: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
    response: {
      200: {
        type: 'object',
        properties: { name: { type: 'string' }, count: { type: 'integer' }, tags: { type: 'array' } },
      },
    },
  });
  try {
    const bad = await server.inject({ method: 'POST', url: '/items', payload: { name: 'a', count: 'many' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ message: string }>().message, /body\/count must be integer/);
    const missing = await server.inject({ method: 'POST', url: '/items', payload: { count: 1 } });
    assert.match(missing.json<{ message: string }>().message, /must have required property 'name'/);
    // coerceTypes 'array': a lone string becomes a one-item array; the serializer drops `secret`.
    const ok = await server.inject({
      method: 'POST',
      url: '/items',
      payload: { name: 'a', count: '3', tags: 'x' },
    });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { name: 'a', count: 3, tags: ['x'] });
  } finally {
    await server.close();
  }
});
