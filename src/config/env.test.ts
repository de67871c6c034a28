import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './errors.ts';
import { envVariableFor } from './env.ts';
import { loadConfig } from './load.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const load = (env: NodeJS.ProcessEnv) => loadConfig({ env, cwd: '/base' });

async function failing(env: NodeJS.ProcessEnv): Promise<ConfigError> {
  try {
    await load(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

void describe('environment overrides', () => {
  void it('builds variable names by the documented rule', () => {
    assert.equal(envVariableFor(['server', 'port']), 'RATCHET_SERVER__PORT');
    assert.equal(
      envVariableFor(['execution', 'max_execution_duration']),
      'RATCHET_EXECUTION__MAX_EXECUTION_DURATION',
    );
  });

  void it('sets numbers, booleans, strings, enums and nested keys', async () => {
    const c = await load({
      RATCHET_SERVER__PORT: '9000',
      RATCHET_EXECUTION__MAX_EXECUTION_DURATION: '60',
      RATCHET_HTTP__VERIFY_SSL: 'no',
      RATCHET_SERVER__RATE_LIMIT__ENABLED: '0',
      RATCHET_SERVER__WORKERS__EMBEDDED: 'FALSE',
      RATCHET_MCP__ENABLED: 'yes',
      RATCHET_HTTP__USER_AGENT: 'Agent/2 (x, y)',
      RATCHET_LOGGING__LEVEL: 'DEBUG',
      RATCHET_SERVER__JOB_QUEUE__LEASE_SECONDS: '45',
    });
    assert.equal(c.server.port, 9000);
    assert.equal(c.execution.max_execution_duration, 60);
    assert.equal(c.http.verify_ssl, false);
    assert.equal(c.server.rate_limit.enabled, false);
    assert.equal(c.server.workers.embedded, false);
    assert.equal(c.mcp.enabled, true);
    assert.equal(c.http.user_agent, 'Agent/2 (x, y)');
    assert.equal(c.logging.level, 'debug');
    assert.equal(c.server.job_queue.lease_seconds, 45);
  });

  void it('matches the key path case-insensitively', async () => {
    assert.equal(
      (await load({ ratchet_server__port: '9001', RATCHET_Server__Port: undefined })).server.port,
      8080,
    );
    assert.equal((await load({ RATCHET_Server__Port: '9002' })).server.port, 9002);
  });

  void it('parses unions: "auto", booleans, byte sizes and byte counts', async () => {
    assert.equal((await load({ RATCHET_SERVER__AUTH__REQUIRED: 'true' })).server.auth.required, true);
    assert.equal((await load({ RATCHET_SERVER__AUTH__REQUIRED: 'auto' })).server.auth.required, 'auto');
    const c = await load({
      RATCHET_EXECUTION__DEFAULT_MEMORY_LIMIT: '64MB',
      RATCHET_EXECUTION__MAX_MEMORY_LIMIT: '536870912',
    });
    assert.equal(c.execution.default_memory_limit, '64MB');
    assert.equal(c.execution.max_memory_limit, 536870912);
  });

  void it('parses arrays as comma-separated lists or JSON', async () => {
    const c = await load({
      RATCHET_HTTP__ALLOWED_HOSTS: 'api.example.com, cdn.example.com',
      RATCHET_HTTP__DENIED_HOSTS: '["169.254.169.254"]',
      RATCHET_SERVER__CORS__ORIGINS: '',
    });
    assert.deepEqual(c.http.allowed_hosts, ['api.example.com', 'cdn.example.com']);
    assert.deepEqual(c.http.denied_hosts, ['169.254.169.254']);
    assert.deepEqual(c.server.cors.origins, []);
  });

  void it('parses lists of objects and whole sections as JSON, deeper variables refining them', async () => {
    const c = await load({
      RATCHET_REGISTRY__SOURCES: '[{"name":"local","uri":"file://./tasks","config":{"watch":true}}]',
      RATCHET_SERVER__RETENTION: '{"completed_days": 1, "failed_days": 2}',
      RATCHET_SERVER__RETENTION__FAILED_DAYS: '3',
    });
    assert.deepEqual(c.registry.sources, [
      { name: 'local', uri: 'file:///base/tasks', config: { watch: true } },
    ]);
    assert.deepEqual(c.server.retention, { completed_days: 1, failed_days: 3 });
  });

  void it('an empty value unsets an optional key', async () => {
    assert.equal((await load({ RATCHET_SERVER__TLS__CERT: '' })).server.tls.cert, undefined);
    assert.equal((await load({ RATCHET_SERVER__TLS__CERT: 'c.pem' })).server.tls.cert, '/base/c.pem');
  });

  void it('supports the RATCHET_DATABASE_URL shortcut, the full form winning', async () => {
    const url = 'postgres://u:p@db:5432/r';
    assert.equal((await load({ RATCHET_DATABASE_URL: url })).server.database.url, url);
    const both = await load({ RATCHET_DATABASE_URL: url, RATCHET_SERVER__DATABASE__URL: 'sqlite::memory:' });
    assert.equal(both.server.database.url, 'sqlite::memory:');
  });

  void it('overrides values from the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-env-'));
    try {
      const file = join(dir, 'c.yaml');
      await writeFile(file, 'server:\n  port: 7000\n  bind_address: 0.0.0.0\n');
      const c = await loadConfig({ file, env: { RATCHET_SERVER__PORT: '7001' } });
      assert.equal(c.server.port, 7001);
      assert.equal(c.server.bind_address, '0.0.0.0');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('ignores RATCHET_ variables not of the <SECTION>__ shape', async () => {
    const c = await load({ RATCHET_HOME: '/x', RATCHET_LOG_LEVEL: 'x', RATCHET_: 'y', OTHER__X: '1' });
    assert.equal(c.server.port, 8080);
  });

  void it('names the variable of a value that does not parse', async () => {
    const err = await failing({ RATCHET_SERVER__PORT: 'abc' });
    assert.deepEqual(
      { ...err.issues[0] },
      {
        path: 'server.port',
        message: 'not a number (got "abc", expected integer 1–65535)',
        value: 'abc',
        source: 'RATCHET_SERVER__PORT',
      },
    );
    assert.equal(
      err.message,
      'RATCHET_SERVER__PORT: server.port: not a number (got "abc", expected integer 1–65535)',
    );
    assert.match(
      (await failing({ RATCHET_HTTP__VERIFY_SSL: 'maybe' })).message,
      /^RATCHET_HTTP__VERIFY_SSL: http\.verify_ssl: not a boolean/,
    );
    assert.match(
      (await failing({ RATCHET_REGISTRY__SOURCES: 'local' })).message,
      /^RATCHET_REGISTRY__SOURCES: registry\.sources: not a JSON array/,
    );
    assert.match((await failing({ RATCHET_SERVER__RETENTION: '{bad' })).message, /not valid JSON/);
    assert.match(
      (await failing({ RATCHET_LOGGING__FORMAT: 'xml' })).message,
      /^RATCHET_LOGGING__FORMAT: logging\.format: not an accepted value \(got "xml", expected one of "pretty", "json"\)/,
    );
  });

  void it('names the variable when the schema rejects the parsed value', async () => {
    const err = await failing({ RATCHET_SERVER__PORT: '0' });
    assert.equal(
      err.message,
      'RATCHET_SERVER__PORT: server.port: out of range (got 0, expected integer 1–65535)',
    );
    const db = await failing({ RATCHET_DATABASE_URL: 'mysql://a:pw@h/d' });
    assert.match(
      db.message,
      /^RATCHET_DATABASE_URL: server\.database\.url: invalid value \(got "mysql:\/\/a:\*\*\*\*@h\/d"/,
    );
  });

  void it('reports a variable that names no key, with a suggestion', async () => {
    const err = await failing({
      RATCHET_SERVER__PROT: '1',
      RATCHET_NOPE__X: '1',
      RATCHET_REGISTRY__SOURCES__0__NAME: 'a',
    });
    const byVar = Object.fromEntries(err.issues.map((i) => [i.source, i.message]));
    assert.equal(
      byVar.RATCHET_SERVER__PROT,
      'names no configuration key: "server.prot" (did you mean RATCHET_SERVER__PORT?)',
    );
    assert.match(
      byVar.RATCHET_NOPE__X!,
      /^names no configuration key: "nope" \(expected one of: server, registry/,
    );
    assert.match(
      byVar.RATCHET_REGISTRY__SOURCES__0__NAME!,
      /set the whole list as JSON with RATCHET_REGISTRY__SOURCES/,
    );
  });
});
