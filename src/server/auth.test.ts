// Authentication and authorisation over real HTTP on both backends: every role against every
// access level, bad keys of each kind, the secure default (refusing to start without keys when
// exposed), the overrides, and the audit rows mutations leave behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ratchet } from '../app.ts';
import { createKey, revokeKey, verifyKey } from '../services/api-keys.ts';
import { listAudit } from '../store/repos/audit.ts';
import { getApiKeyByPrefix } from '../store/repos/api-keys.ts';
import { ROLES, allows, isLoopback, type Role } from './auth.ts';
import { bearer, forEachServer, getJson, withServer } from './test-helpers.ts';

const PROBES: { access: string; method: string; path: string }[] = [
  { access: 'public', method: 'GET', path: '/api/v1/probe/public' },
  { access: 'read', method: 'GET', path: '/api/v1/probe/read' },
  { access: 'run', method: 'POST', path: '/api/v1/probe/run/7' },
  { access: 'write', method: 'PUT', path: '/api/v1/probe/write/7' },
  { access: 'admin', method: 'DELETE', path: '/api/v1/probe/admin/7' },
];

const EXPECTED: Record<Role, string[]> = {
  viewer: ['public', 'read'],
  operator: ['public', 'read', 'run'],
  developer: ['public', 'read', 'run', 'write'],
  admin: ['public', 'read', 'run', 'write', 'admin'],
};

test('allows(): the role table', () => {
  for (const role of Object.keys(ROLES) as Role[])
    for (const access of ['public', 'read', 'run', 'write', 'admin'] as const)
      assert.equal(allows(role, access), EXPECTED[role].includes(access), `${role} × ${access}`);
  assert.equal(allows('root', 'read'), false);
  assert.equal(allows('root', 'public'), true);
  assert.ok(
    isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && isLoopback('127.1.2.3'),
  );
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.5') && !isLoopback('::'));
});

const keys: Partial<Record<Role, string>> = {};
async function makeKeys(app: Ratchet): Promise<void> {
  for (const role of Object.keys(ROLES) as Role[])
    keys[role] = (await createKey(app.store.db, { name: `${role}-key`, role })).key;
}

forEachServer(
  'each role against each access level (auth required)',
  { config: { server: { auth: { required: true } } }, before: makeKeys },
  async ({ url }) => {
    for (const role of Object.keys(ROLES) as Role[]) {
      for (const p of PROBES) {
        const res = await getJson(`${url}${p.path}`, { method: p.method, headers: bearer(keys[role]!) });
        if (EXPECTED[role].includes(p.access)) {
          assert.equal(res.status, 200, `${role} ${p.method} ${p.path}: ${JSON.stringify(res.body)}`);
        } else {
          assert.equal(res.status, 403, `${role} ${p.method} ${p.path}`);
          const err = res.body.error as { code: string; message: string };
          assert.equal(err.code, 'FORBIDDEN');
          assert.match(err.message, new RegExp(`needs ${p.access} access`));
          assert.match(err.message, new RegExp(`has role ${role}`));
        }
      }
    }
    const who = await getJson(`${url}/api/v1/probe/read`, { headers: bearer(keys.viewer!) });
    assert.deepEqual(
      { ...(who.body.principal as Record<string, unknown>), keyId: 0 },
      { kind: 'key', keyId: 0, name: 'viewer-key', role: 'viewer' },
    );
  },
);

forEachServer(
  'missing, malformed, unknown, expired and revoked keys are 401',
  { config: { server: { auth: { required: true } } }, before: makeKeys },
  async ({ app, url }) => {
    const expect401 = async (headers: Record<string, string>, msg: RegExp) => {
      const res = await getJson(`${url}/api/v1/probe/read`, { headers });
      assert.equal(res.status, 401, JSON.stringify(res.body));
      const err = res.body.error as { code: string; message: string };
      assert.equal(err.code, 'UNAUTHORIZED');
      assert.match(err.message, msg);
    };
    await expect401({}, /an API key is required/);
    await expect401({ authorization: 'Basic abc' }, /Bearer/);
    await expect401(bearer('not-a-key'), /not a Ratchet API key/);
    const good = keys.admin!;
    const tampered = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expect401(bearer(tampered), /is not valid/);
    await expect401(bearer('rk_zzzzzzzz_' + 'x'.repeat(43)), /rk_zzzzzzzz_… is not valid/);
    const expiring = await createKey(
      app.store.db,
      { name: 'short', role: 'admin', expiresInMs: 1 },
      Date.now() - 10,
    );
    await expect401(bearer(expiring.key), /has expired/);
    const revoked = await createKey(app.store.db, { name: 'gone', role: 'admin' });
    assert.equal((await getJson(`${url}/api/v1/probe/read`, { headers: bearer(revoked.key) })).status, 200);
    await revokeKey(app.store.db, revoked.record.prefix);
    await expect401(bearer(revoked.key), /has been revoked/);
    // Public routes need no key even when auth is required.
    assert.equal((await fetch(`${url}/api/v1/probe/public`)).status, 200);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    // last_used_at is recorded on use.
    const row = await getApiKeyByPrefix(app.store.db, revoked.record.prefix);
    assert.ok(row?.lastUsedAt, 'last_used_at recorded');
  },
);

forEachServer(
  'loopback without keys is open (anonymous admin); a presented bad key is still refused',
  {},
  async ({ url }) => {
    const res = await getJson(`${url}/api/v1/probe/admin/1`, {
      method: 'DELETE',
      headers: { 'x-requested-with': 'test' },
    });
    assert.equal(res.status, 200);
    const who = await getJson(`${url}/api/v1/probe/read`);
    assert.deepEqual(who.body.principal, { kind: 'anonymous', role: 'admin' });
    assert.equal((await fetch(`${url}/api/v1/probe/read`, { headers: bearer('rk_bad') })).status, 401);
  },
);

test('auth.required auto refuses to start on a non-loopback address without keys, and starts with one', async () => {
  await assert.rejects(
    withServer('sqlite', { bindAddress: '0.0.0.0' }, async () => undefined),
    /authentication is required \(server\.bind_address 0\.0\.0\.0 is not a loopback address.*ratchet apikey create --name admin --role admin/,
  );
  await withServer('sqlite', { bindAddress: '0.0.0.0', before: makeKeys }, async ({ url }) => {
    assert.equal((await fetch(`${url}/api/v1/probe/read`)).status, 401);
    assert.equal((await fetch(`${url}/api/v1/probe/read`, { headers: bearer(keys.viewer!) })).status, 200);
  });
  // A revoked or expired key does not count as "a key exists".
  await assert.rejects(
    withServer(
      'sqlite',
      {
        bindAddress: '10.1.2.3',
        before: async (app) =>
          revokeKey(
            app.store.db,
            (await createKey(app.store.db, { name: 'x', role: 'admin' })).record.prefix,
          ),
      },
      async () => undefined,
    ),
    /no active API key exists/,
  );
  // auth.required: false overrides the secure default.
  await withServer(
    'sqlite',
    { bindAddress: '0.0.0.0', config: { server: { auth: { required: false } } } },
    async ({ url }) => {
      assert.equal(
        (
          await fetch(`${url}/api/v1/probe/admin/1`, {
            method: 'DELETE',
            headers: { 'x-requested-with': 'test' },
          })
        ).status,
        200,
      );
    },
  );
  // auth.required: true on loopback with no keys refuses too.
  await assert.rejects(
    withServer('sqlite', { config: { server: { auth: { required: true } } } }, async () => undefined),
    /server\.auth\.required is true/,
  );
});

test('verifyKey: stored as a sha256 hash, never in clear', () =>
  withServer('sqlite', {}, async ({ app }) => {
    const { key, record } = await createKey(app.store.db, { name: 'k', role: 'viewer' });
    assert.match(key, /^rk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.slice(3, 11), record.prefix);
    assert.match(record.keyHash, /^[0-9a-f]{64}$/);
    assert.ok(!record.keyHash.includes(key.slice(12)));
    assert.equal((await verifyKey(app.store.db, key)).ok, true);
    await assert.rejects(createKey(app.store.db, { name: 'k', role: 'root' }), /"root" is not a role/);
  }));

forEachServer(
  'mutations are audited (actor, action pattern, target, ip, outcome, request id); reads are not',
  { before: makeKeys, config: { server: { auth: { required: true } } } },
  async ({ app, url }) => {
    await fetch(`${url}/api/v1/probe/read`, { headers: bearer(keys.admin!) });
    await fetch(`${url}/api/v1/probe/run/42`, {
      method: 'POST',
      headers: { ...bearer(keys.operator!), 'x-request-id': 'audit-1' },
    });
    await fetch(`${url}/api/v1/probe/admin/9`, { method: 'DELETE', headers: bearer(keys.viewer!) });
    await fetch(`${url}/api/v1/probe/write/5`, { method: 'PUT', headers: { 'x-requested-with': 'test' } });
    await fetch(`${url}/api/v1/nothing-here`, { method: 'POST', headers: bearer(keys.admin!) });
    // Rows are written after the response: wait until all four are there.
    let rows = (await listAudit(app.store.db, { sort: { field: 'id', order: 'asc' } })).rows;
    for (let i = 0; i < 50 && rows.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 20));
      rows = (await listAudit(app.store.db, { sort: { field: 'id', order: 'asc' } })).rows;
    }
    assert.equal(rows.length, 4, JSON.stringify(rows));
    // Writes are fire-and-forget after each response, so their insert order is not the request order.
    const by = (prefix: string) => rows.find((r) => r.action.startsWith(prefix));
    const [run, admin, write, missing] = [
      by('POST /api/v1/probe'),
      by('DELETE'),
      by('PUT'),
      by('POST /api/v1/nothing'),
    ];
    assert.equal(run!.actor, 'operator-key');
    assert.equal(run!.action, 'POST /api/v1/probe/run/:id');
    assert.equal(run!.targetType, 'probe');
    assert.equal(run!.targetId, '42');
    assert.equal(run!.outcome, '2xx');
    assert.equal(run!.sourceIp, '127.0.0.1');
    assert.deepEqual(run!.details, { requestId: 'audit-1', params: { id: '42' } });
    assert.equal(admin!.actor, 'viewer-key');
    assert.equal(admin!.outcome, '4xx FORBIDDEN');
    assert.equal(write!.actor, 'anonymous');
    assert.equal(write!.outcome, '4xx UNAUTHORIZED');
    assert.equal(missing!.action, 'POST /api/v1/nothing-here');
    assert.equal(missing!.outcome, '4xx NOT_FOUND');
  },
);
