// Automatic persisted queries (graphql.persisted_queries): a hash the server has not seen is
// PERSISTED_QUERY_NOT_FOUND, the query sent with its hash is kept, then the hash alone runs it;
// a hash that does not match its query is refused. Off (the default), a hash alone runs nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { withServer } from '../../server/test-helpers.ts';

const QUERY = '{ tasks { total } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

async function post(url: string, body: unknown) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: unknown;
      errors?: { message: string; extensions: { code: string } }[];
    },
  };
}

void test('automatic persisted queries when graphql.persisted_queries is on', () =>
  withServer('sqlite', { config: { graphql: { persisted_queries: true } } }, async ({ url }) => {
    const unknown = await post(url, { extensions: persisted(HASH) });
    assert.equal(unknown.body.errors?.[0]?.extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
    assert.equal(unknown.body.errors?.[0]?.message, 'PersistedQueryNotFound');
    const sent = await post(url, { query: QUERY, extensions: persisted(HASH) });
    assert.deepEqual(sent.body, { data: { tasks: { total: 0 } } });
    const byHash = await post(url, { extensions: persisted(HASH) });
    assert.deepEqual(byHash.body, { data: { tasks: { total: 0 } } });
    const mismatch = await post(url, { query: QUERY, extensions: persisted('0'.repeat(64)) });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  }));

void test('persisted queries off (the default): a hash alone runs nothing', () =>
  withServer('sqlite', {}, async ({ url }) => {
    await post(url, { query: QUERY, extensions: persisted(HASH) });
    const byHash = await post(url, { extensions: persisted(HASH) });
    assert.equal(byHash.body.data ?? null, null);
    assert.equal(
      byHash.body.errors?.[0]?.extensions.code,
      'PERSISTED_QUERY_NOT_FOUND',
      JSON.stringify(byHash.body),
    );
  }));
