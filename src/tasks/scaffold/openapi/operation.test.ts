// One operation read into a task's parts: parameter names that collide, styles that are not sent
// as declared, and the base URL from servers (relative ones against the document's URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpenApi, type JsonObject } from './document.ts';
import { operationSchemas, readOperation } from './operation.ts';

function docWith(op: JsonObject, servers?: JsonObject[]) {
  const root = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: { '/things/{id}': { get: op } },
  };
  return parseOpenApi(JSON.stringify(servers ? { ...root, servers } : root), 'doc.json');
}

test('a query parameter named like a path parameter gets its own input field; styles are said', () => {
  const doc = docWith(
    {
      operationId: 'getThing',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'id', in: 'query', schema: { type: 'string' } },
        { name: 'filter', in: 'query', style: 'deepObject', schema: { type: 'object' } },
      ],
      responses: { '200': { description: 'ok' } },
    },
    [{ url: 'https://api.example.com/' }],
  );
  const model = readOperation(doc, 'getThing');
  assert.deepEqual(
    model.parameters.map((p) => [p.in, p.name, p.key]),
    [
      ['path', 'id', 'id'],
      ['query', 'id', 'id_query'],
      ['query', 'filter', 'filter'],
    ],
  );
  assert.deepEqual(model.skipped, [
    'the deepObject style of the query parameter "filter" (it is sent form-encoded)',
  ]);
  assert.equal(model.baseUrl, 'https://api.example.com');
  assert.deepEqual(operationSchemas(doc, model).output, {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'null',
  });
});

test('a relative server URL resolves against the URL the document came from, else baseUrl is required', () => {
  const op = { operationId: 'getThing', responses: { '200': { description: 'ok' } } };
  const doc = docWith(op, [{ url: '/api/v2' }]);
  assert.equal(
    readOperation(doc, 'getThing', 'https://docs.example.com/specs/openapi.yaml').baseUrl,
    'https://docs.example.com/api/v2',
  );
  const fromFile = readOperation(doc, 'getThing');
  assert.equal(fromFile.baseUrl, undefined);
  assert.match(
    fromFile.skipped[0]!,
    /no absolute server URL \(servers\[0\]\.url is "\/api\/v2"\), so the input field baseUrl is required/,
  );
  assert.deepEqual(operationSchemas(doc, fromFile).input.required, ['baseUrl']);
});
