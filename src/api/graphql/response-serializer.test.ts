// Typed answers: from its second run, an operation's error-free answer is serialized from the shape
// of its selection; everything else is plain JSON, error paths with integer list indexes. First on
// a bare Fastify route with Mercurius's route schema (an unselected property shows which serializer
// ran), then through the real server: repeated queries answer the same bytes every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { buildSchema, parse } from 'graphql';
import { ResponseSerializers } from './response-serializer.ts';
import { forEachApi, gql } from './test-helpers.ts';

const schema = buildSchema(`
  scalar JSON
  type Item { id: Int! name: String }
  type Query { items: [Item!]! blob: JSON }
`);

void test('typed from the second run for error-free 200 answers, plain JSON otherwise', async () => {
  const serializers = new ResponseSerializers();
  const items = parse('{ items { id name } }');
  const blob = parse('{ blob }');
  const server = Fastify();
  // The same 2xx schema Mercurius gives its routes: `data` is any object.
  const anyData = {
    type: 'object',
    properties: {
      data: { type: ['object', 'null'], additionalProperties: true },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          properties: { message: { type: 'string' }, path: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
  };
  server.post<{ Body: { doc: string; status?: number; errors?: boolean } }>(
    '/',
    { schema: { response: { '2xx': anyData } } },
    async (request, reply) => {
      serializers.use(reply, schema, request.body.doc === 'blob' ? blob : items);
      if (request.body.status) reply.code(request.body.status);
      // `secret` is not selected: the typed serializer leaves it out, plain JSON keeps it.
      const data = { items: [{ id: 1, name: 'a', secret: 's' }], blob: { any: ['shape'] } };
      return request.body.errors
        ? { data, errors: [{ message: 'boom', path: ['items', 0, 'name'] }] }
        : { data };
    },
  );
  try {
    const send = async (body: Record<string, unknown>) => {
      const res = await server.inject({ method: 'POST', url: '/', payload: body });
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', res.body);
      return res.body;
    };
    const untyped = '{"data":{"items":[{"id":1,"name":"a","secret":"s"}],"blob":{"any":["shape"]}}}';
    assert.equal(await send({ doc: 'items' }), untyped, 'a first run is not compiled for');
    assert.equal(await send({ doc: 'items' }), '{"data":{"items":[{"id":1,"name":"a"}]}}');
    assert.equal(await send({ doc: 'items' }), '{"data":{"items":[{"id":1,"name":"a"}]}}');
    // Not the route schema's: its error path would read ["items","0","name"].
    assert.equal(
      await send({ doc: 'items', errors: true }),
      '{"data":{"items":[{"id":1,"name":"a","secret":"s"}],"blob":{"any":["shape"]}},"errors":[{"message":"boom","path":["items",0,"name"]}]}',
    );
    const failed = await send({ doc: 'items', status: 500, errors: true });
    assert.match(failed, /"path":\["items",0,"name"\]/, 'any status is plain JSON');
    await send({ doc: 'blob' });
    assert.equal(await send({ doc: 'blob' }), untyped, 'a JSON scalar has no typed shape');
  } finally {
    await server.close();
  }
});

forEachApi('repeated queries answer the same bytes as their first run', async (api) => {
  const raw = async (query: string, operationName?: string) => {
    const res = await fetch(`${api.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, operationName }),
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const list = '{ tasks { total items { id uuid name enabled latestVersion createdAt deletedAt } } }';
  const first = await raw(list);
  assert.equal(first.status, 200);
  assert.equal(first.type, 'application/json; charset=utf-8');
  for (let i = 0; i < 3; i++) assert.deepEqual(await raw(list), first);
  const run = await gql(
    api,
    'mutation { executeTaskDirect(taskId: "addition", input: { num1: 2, num2: 3 }) { success output } }',
  );
  assert.deepEqual(run.data.executeTaskDirect, { success: true, output: { sum: 5, product: 6 } });
  // Two operations in one document: each request runs the one it names, however often the
  // document was seen (Mercurius's compiled form ran the first-named one for all).
  const two = 'query A { tasks { total } } query B { health { status } }';
  const a = await raw(two, 'A');
  assert.equal(a.text, '{"data":{"tasks":{"total":1}}}');
  for (let i = 0; i < 2; i++) assert.deepEqual(await raw(two, 'A'), a);
  for (let i = 0; i < 2; i++)
    assert.match((await raw(two, 'B')).text, /^\{"data":\{"health":\{"status":"\w+"\}\}\}$/);
  // A field error keeps its numeric path and extensions on every run.
  const missing = '{ task(name: "no-such-task") { name } }';
  const firstMissing = await raw(missing);
  for (let i = 0; i < 2; i++) assert.deepEqual(await raw(missing), firstMissing);
});
