// The OpenAPI reader on small documents with known answers: recursion kept through $defs (and
// still validating), mutual recursion, the 3.0 dialect converted, and the errors for references
// that leave the document, never end or point to nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchema, validateWith } from '../../schema.ts';
import { parseOpenApi, type JsonObject } from './document.ts';
import { SchemaConverter, deref } from './refs.ts';

function doc(components: JsonObject, openapi = '3.1.0') {
  return parseOpenApi(
    JSON.stringify({ openapi, info: { title: 't', version: '1' }, paths: {}, components }),
    'doc.json',
  );
}

function convert(d: ReturnType<typeof doc>, ref: string): JsonObject {
  const c = new SchemaConverter(d);
  const schema = c.convert({ $ref: ref }, 'test') as JsonObject;
  const defs = c.collectedDefs();
  return Object.keys(defs).length > 0 ? { ...schema, [c.defsKeyword]: defs } : schema;
}

test('a recursive schema goes to $defs once and still validates trees of any depth', () => {
  const d = doc({
    schemas: {
      Node: {
        type: 'object',
        required: ['value'],
        properties: {
          value: { type: 'integer' },
          children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
        },
      },
    },
  });
  const schema = convert(d, '#/components/schemas/Node');
  assert.deepEqual((schema.properties as JsonObject).children, {
    type: 'array',
    items: { $ref: '#/$defs/Node' },
  });
  assert.deepEqual(Object.keys(schema.$defs as JsonObject), ['Node']);
  const validator = compileSchema(
    { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema },
    'x',
  );
  const deep = { value: 1, children: [{ value: 2, children: [{ value: 3, children: [] }] }] };
  assert.deepEqual(validateWith(validator, deep), []);
  const bad = { value: 1, children: [{ value: 2, children: [{ value: 'three' }] }] };
  assert.equal(validateWith(validator, bad)[0]?.path, '$.children[0].children[0].value');
});

test('mutual recursion (A → B → A) and shared non-recursive schemas are inlined', () => {
  const d = doc({
    schemas: {
      A: {
        type: 'object',
        properties: { b: { $ref: '#/components/schemas/B' }, tag: { $ref: '#/components/schemas/Tag' } },
      },
      B: {
        type: 'object',
        properties: { a: { $ref: '#/components/schemas/A' }, tag: { $ref: '#/components/schemas/Tag' } },
      },
      Tag: { type: 'string', description: 'a label' },
    },
  });
  const schema = convert(d, '#/components/schemas/A');
  const b = (schema.properties as JsonObject).b as JsonObject;
  assert.deepEqual((b.properties as JsonObject).a, { $ref: '#/$defs/A' });
  assert.deepEqual((b.properties as JsonObject).tag, { type: 'string', description: 'a label' });
  assert.deepEqual(Object.keys(schema.$defs as JsonObject), ['A']);
});

test('OpenAPI 3.0 schemas become draft-07: nullable, boolean exclusive bounds, definitions', () => {
  const d = doc(
    {
      schemas: {
        Price: {
          type: 'number',
          minimum: 0,
          exclusiveMinimum: true,
          maximum: 10,
          exclusiveMaximum: false,
          nullable: true,
        },
        Color: { type: 'string', enum: ['red', 'blue'], nullable: true },
        List: { type: 'object', properties: { next: { $ref: '#/components/schemas/List' } } },
      },
    },
    '3.0.3',
  );
  assert.deepEqual(convert(d, '#/components/schemas/Price'), {
    type: ['number', 'null'],
    exclusiveMinimum: 0,
    maximum: 10,
  });
  assert.deepEqual(convert(d, '#/components/schemas/Color'), {
    type: ['string', 'null'],
    enum: ['red', 'blue', null],
  });
  assert.deepEqual((convert(d, '#/components/schemas/List').properties as JsonObject).next, {
    $ref: '#/definitions/List',
  });
});

test('references that leave the document, never end or point to nothing are refused by name', () => {
  const d = doc({
    schemas: {
      Ext: { $ref: 'other.yaml#/components/schemas/X' },
      Gone: { $ref: '#/components/schemas/Nope' },
    },
    parameters: { P: { $ref: '#/components/parameters/Q' }, Q: { $ref: '#/components/parameters/P' } },
  });
  assert.throws(
    () => convert(d, '#/components/schemas/Ext'),
    /"other\.yaml#\/components\/schemas\/X" points outside the document/,
  );
  assert.throws(() => convert(d, '#/components/schemas/Gone'), /points to nothing \("Nope" is missing\)/);
  assert.throws(
    () => deref(d, { $ref: '#/components/parameters/P' }, 'a parameter'),
    /\$ref chain #\/components\/parameters\/P → #\/components\/parameters\/Q → #\/components\/parameters\/P never ends/,
  );
});

test('pointer escapes: ~1 is "/" and ~0 is "~" in a component name', () => {
  const d = doc({ schemas: { 'a/b~c': { type: 'boolean' } } });
  assert.deepEqual(convert(d, '#/components/schemas/a~1b~0c'), { type: 'boolean' });
});

test('an unquoted YAML version (openapi: 3.1) is read as the version it means', () => {
  const parsed = parseOpenApi('openapi: 3.1\ninfo: { title: t, version: "1" }\npaths: {}\n', 'a.yaml');
  assert.deepEqual([parsed.version, parsed.dialect], ['3.1', '3.1']);
  assert.throws(() => parseOpenApi('openapi: 2.5\npaths: {}\n', 'b.yaml'), /OpenAPI 2\.5 is not supported/);
});
