import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load.ts';
import { ConfigSchema } from './schema.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ratchet-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

/** Loads and expects a ConfigError; returns it for inspection. */
async function failing(opts: Parameters<typeof loadConfig>[0]): Promise<ConfigError> {
  try {
    await loadConfig(opts);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('loadConfig succeeded but should have failed');
}

void describe('defaults', () => {
  void it('parses {} to the full configuration', () => {
    const c = ConfigSchema.parse({});
    assert.equal(c.server.bind_address, '127.0.0.1');
    assert.equal(c.server.port, 8080);
    assert.equal(c.server.database.url, 'sqlite://./data/ratchet.db');
    assert.equal(c.server.database.max_connections, 10);
    assert.deepEqual(c.server.rate_limit, { enabled: true, requests_per_minute: 600, burst_size: 100 });
    assert.equal(c.server.job_queue.max_queue_size, 100000);
    assert.equal(c.server.job_queue.lease_seconds, 30);
    assert.equal(c.server.workers.worker_count, 0);
    assert.equal(c.server.auth.required, 'auto');
    assert.deepEqual(c.server.tls, {});
    assert.deepEqual(c.server.cors.origins, []);
    assert.equal(c.server.body_limit_bytes, 1048576);
    assert.deepEqual(c.server.retention, { completed_days: 30, failed_days: 90 });
    assert.deepEqual(c.registry, { sources: [], cache_dir: './data/repos' });
    assert.equal(c.execution.max_execution_duration, 300);
    assert.equal(c.execution.default_memory_limit, '128MB');
    assert.equal(c.http.user_agent, 'Ratchet/1.0');
    assert.equal(c.http.max_response_bytes, 10485760);
    assert.deepEqual(c.logging, {
      level: 'info',
      format: 'pretty',
      destination: 'console',
      file_config: { path: './logs/ratchet.log', rotation: { max_size_mb: 100, max_files: 10 } },
      context: { include_file_location: false },
    });
    const filterOff = { enabled: false, default_policy: 'allow', allowed_ranges: [], denied_ranges: [] };
    assert.deepEqual(c.server.ip_filtering, filterOff);
    assert.deepEqual(c.mcp, {
      enabled: true,
      host: '127.0.0.1',
      port: 8090,
      endpoint: '/mcp',
      rate_limit: { enabled: true, requests_per_minute: 1200, burst_size: 300 },
      authentication: { method: 'none' },
      security: { request_limits: {}, ip_filtering: filterOff },
      allowed_roots: [],
      tools: {
        enable_execution: true,
        enable_logging: true,
        enable_monitoring: true,
        enable_debugging: true,
      },
      enable_cors: false,
    });
  });

  void it('loads with no file and an empty environment, resolving default paths against cwd', async () => {
    const c = await loadConfig({ env: {}, cwd: dir });
    assert.equal(c.server.database.url, `sqlite://${join(dir, 'data/ratchet.db')}`);
    assert.equal(c.registry.cache_dir, join(dir, 'data/repos'));
  });

  void it('fills defaults inside list items', async () => {
    const c = await loadConfig({ env: {}, cwd: dir });
    assert.deepEqual(c.registry.sources, []);
    const parsed = ConfigSchema.parse({ registry: { sources: [{ name: 'a', uri: 'https://x/y.git' }] } });
    assert.deepEqual(parsed.registry.sources[0]!.config, { watch: false });
  });
});

void describe('files', () => {
  void it('reads YAML, keeping defaults for keys not written', async () => {
    const file = await write('a.yaml', 'server:\n  port: 9001\nlogging:\n  level: debug\n');
    const c = await loadConfig({ file, env: {} });
    assert.equal(c.server.port, 9001);
    assert.equal(c.logging.level, 'debug');
    assert.equal(c.server.bind_address, '127.0.0.1');
  });

  void it('reads JSON by extension', async () => {
    const file = await write('a.json', JSON.stringify({ http: { timeout: 5, allowed_hosts: ['a.com'] } }));
    const c = await loadConfig({ file, env: {} });
    assert.equal(c.http.timeout, 5);
    assert.deepEqual(c.http.allowed_hosts, ['a.com']);
  });

  void it('reads unknown extensions as YAML (which includes JSON)', async () => {
    const file = await write('ratchet.conf', '{"mcp": {"port": 9999}}');
    assert.equal((await loadConfig({ file, env: {} })).mcp.port, 9999);
  });

  void it('treats an empty file as all defaults', async () => {
    const file = await write('empty.yaml', '# nothing yet\n');
    assert.equal((await loadConfig({ file, env: {} })).server.port, 8080);
  });

  void it('resolves a relative file name against cwd', async () => {
    await write('sub/rel.yaml', 'server:\n  port: 7000\n');
    assert.equal((await loadConfig({ file: 'sub/rel.yaml', cwd: dir, env: {} })).server.port, 7000);
  });
});

void describe('errors', () => {
  void it('reports a wrong type with path, value, expected and line', async () => {
    const file = await write('type.yaml', 'server:\n  port: "eighty"\n');
    const err = await failing({ file, env: {} });
    assert.equal(err.issues.length, 1);
    assert.deepEqual(
      { ...err.issues[0] },
      {
        path: 'server.port',
        value: 'eighty',
        source: file,
        line: 2,
        column: 3,
        message: 'wrong type (got "eighty", expected integer 1–65535)',
      },
    );
    assert.equal(
      err.message,
      `${file}:2:3: server.port: wrong type (got "eighty", expected integer 1–65535)`,
    );
  });

  void it('reports out-of-range numbers', async () => {
    const file = await write('range.yaml', 'server:\n  port: 70000\n');
    const err = await failing({ file, env: {} });
    assert.match(err.message, /server\.port: out of range \(got 70000, expected integer 1–65535\)/);
  });

  void it('reports unknown keys with a suggestion', async () => {
    const file = await write('unknown.yaml', 'server:\n  prot: 9000\nloging:\n  level: info\n');
    const err = await failing({ file, env: {} });
    const messages = err.issues.map((i) => i.message);
    assert.deepEqual(messages, [
      'unknown key "server.prot" (did you mean "server.port"?)',
      'unknown key "loging" (did you mean "logging"?)',
    ]);
    assert.equal(err.issues[0]!.line, 2);
    assert.equal(err.issues[1]!.line, 3);
  });

  void it('lists the valid keys when no key is close', async () => {
    const file = await write('far.yaml', 'mcp:\n  zzzzzzzz: 1\n');
    const err = await failing({ file, env: {} });
    assert.match(
      err.message,
      /unknown key "mcp\.zzzzzzzz" \(expected one of: enabled, transport, host, port, endpoint, rate_limit, authentication, security, allowed_roots, tools, enable_cors, request_timeout, max_connections\)/,
    );
  });

  void it('reports a bad enum value with the accepted ones', async () => {
    const file = await write('enum.yaml', 'logging:\n  format: xml\n');
    const err = await failing({ file, env: {} });
    assert.match(
      err.message,
      /logging\.format: invalid value \(got "xml", expected one of "pretty", "json"\)/,
    );
  });

  void it('reports a YAML syntax error with line and column', async () => {
    const file = await write('syntax.yaml', 'server:\n  port: 8080\n\tbind_address: x\n');
    const err = await failing({ file, env: {} });
    assert.equal(err.issues[0]!.source, file);
    assert.equal(err.issues[0]!.line, 3);
    assert.match(
      err.message,
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: \\(root\\): invalid YAML: `),
    );
  });

  void it('reports a JSON syntax error with its line', async () => {
    const file = await write('bad.json', '{\n  "server": {\n    "port": 1,\n  }\n}\n');
    const err = await failing({ file, env: {} });
    assert.match(err.issues[0]!.message, /^invalid JSON: /);
    assert.equal(err.issues[0]!.line, 4);
  });

  void it('reports duplicate keys in YAML', async () => {
    const file = await write('dup.yaml', 'server:\n  port: 1\n  port: 2\n');
    const err = await failing({ file, env: {} });
    assert.match(err.message, /dup\.yaml:3:\d+: \(root\): invalid YAML: .*unique/i);
  });

  void it('reports a YAML alias bomb as a configuration error, not a stack', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const file = await write('bomb.yaml', `${levels.join('\n')}\n`);
    const err = await failing({ file, env: {} });
    assert.match(err.message, /bomb\.yaml: \(root\): invalid YAML: Excessive alias count/);
    assert.match(err.message, /aliases expand too far/);
  });

  void it('names the path of a missing file', async () => {
    const err = await failing({ file: 'nope.yaml', cwd: dir, env: {} });
    assert.equal(err.message, `nope.yaml: (root): file not found: ${join(dir, 'nope.yaml')}`);
  });

  void it('rejects a file that is not a mapping', async () => {
    const file = await write('list.yaml', '- a\n- b\n');
    const err = await failing({ file, env: {} });
    assert.match(err.message, /the file must be a mapping of sections/);
  });

  void it('reports missing required fields in list items', async () => {
    const file = await write(
      'sources.yaml',
      'registry:\n  sources:\n    - name: a\n      uri: ./t\n    - uri: ./v\n',
    );
    const err = await failing({ file, env: {} });
    assert.equal(err.message, `${file}:5:7: registry.sources.1.name: missing (expected non-empty string)`);
  });

  void it('reports duplicate source names', async () => {
    const file = await write(
      'dups.yaml',
      'registry:\n  sources:\n    - { name: a, uri: ./t }\n    - { name: a, uri: ./u }\n',
    );
    const err = await failing({ file, env: {} });
    assert.equal(err.issues.length, 1);
    assert.equal(err.issues[0]!.path, 'registry.sources.1.name');
    assert.match(err.issues[0]!.message, /^duplicate source name "a" \(got "a"\)$/);
    assert.equal(err.issues[0]!.line, 4);
  });

  void it('rejects bad database URLs and masks their password', async () => {
    const file = await write('db.yaml', 'server:\n  database:\n    url: mysql://root:hunter2@db/x\n');
    const err = await failing({ file, env: {} });
    assert.match(
      err.message,
      /server\.database\.url: invalid value \(got "mysql:\/\/root:\*\*\*\*@db\/x", expected sqlite:\/\//,
    );
    assert.doesNotMatch(err.message, /hunter2/);
  });

  void it('checks memory sizes and that the default does not exceed the maximum', async () => {
    const bad = await write('mem.yaml', 'execution:\n  default_memory_limit: 12XB\n');
    assert.match(
      (await failing({ file: bad, env: {} })).message,
      /default_memory_limit: invalid value \(got "12XB", expected a size such as/,
    );
    const big = await write(
      'mem2.yaml',
      'execution:\n  default_memory_limit: 2GB\n  max_memory_limit: 1GB\n',
    );
    assert.match(
      (await failing({ file: big, env: {} })).message,
      /default_memory_limit: larger than execution\.max_memory_limit/,
    );
  });

  void it('collects every problem at once', async () => {
    const file = await write(
      'many.yaml',
      'server:\n  port: x\nlogging:\n  level: loud\nhttp:\n  verify_ssl: maybe\n',
    );
    assert.equal((await failing({ file, env: {} })).issues.length, 3);
  });
});
