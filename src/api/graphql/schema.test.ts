// schema.graphql is the schema the server serves: the file is in graphql-js's printed form, the
// schema introspected over HTTP prints to exactly that text, and every root field has a resolver.
// After editing the SDL, reformat it with:
//   node -e "const g=require('graphql'),f=require('fs'),p='src/api/graphql/schema.graphql';f.writeFileSync(p,g.printSchema(g.buildSchema(f.readFileSync(p,'utf8')))+'\n')"
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  printSchema,
  type GraphQLObjectType,
} from 'graphql';
import { schemaSource } from './index.ts';
import { queryResolvers } from './queries.ts';
import { mutationResolvers } from './mutations.ts';
import { subscriptionResolvers } from './subscriptions.ts';
import { gql, withApi } from './test-helpers.ts';

void test('schema.graphql is in printed form', () => {
  const sdl = schemaSource();
  assert.equal(
    sdl,
    `${printSchema(buildSchema(sdl))}\n`,
    'reformat schema.graphql (see the command at the top of this file)',
  );
});

void test('the served schema is schema.graphql, and every root field has a resolver', () =>
  withApi('sqlite', async (api) => {
    const r = await gql(api, getIntrospectionQuery());
    assert.equal(r.errors, undefined);
    assert.equal(`${printSchema(buildClientSchema(r.data))}\n`, schemaSource());
    const schema = buildSchema(schemaSource());
    const roots: [GraphQLObjectType | null | undefined, object][] = [
      [schema.getQueryType(), queryResolvers(api.app)],
      [schema.getMutationType(), mutationResolvers(api.app)],
      [schema.getSubscriptionType(), subscriptionResolvers(api.app, console)],
    ];
    const missing = roots.flatMap(([type, resolvers]) =>
      Object.keys(type!.getFields())
        .filter((name) => !Object.hasOwn(resolvers, name))
        .map((name) => `${type!.name}.${name}`),
    );
    assert.deepEqual(missing, []);
  }));
