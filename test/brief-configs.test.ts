// Every YAML example of the product brief (copied verbatim into test/fixtures/brief-configs/) loads
// as written, old key names with one notice naming the new keys; what stays refused is refused with
// its reason (the two console examples only for their `console:` section, which belongs to
// `ratchet console`, issue 19). The keys' effects: brief-configs-access, -limits and -logging tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config/index.ts';
import { FIXTURES, load } from './helpers/brief-configs.ts';

void test('every YAML block of the brief loads; old names are read with one notice naming the new keys', async () => {
  const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.yaml')).sort();
  assert.equal(files.length, 9);
  // What stays refused, each with its reason (see the messages in src/config/old-names.ts).
  const refused: Record<string, string[]> = {};
  for (const f of files) {
    const expected = refused[f];
    if (!expected) {
      await assert.doesNotReject(load(f), f);
      continue;
    }
    const err = await load(f).then(
      () => assert.fail(`${f} loaded`),
      (e: unknown) => e as ConfigError,
    );
    assert.ok(err instanceof ConfigError, f);
    assert.deepEqual(
      err.issues.map((i) => i.path),
      expected,
      f,
    );
    assert.match(err.issues[0]!.message, /is not supported|belongs to `ratchet console`/);
  }
  // The production example's MCP sessions (1 hour, 5 per client; sessions.test.ts shows them work).
  assert.deepEqual((await load('readme-production-console.yaml')).config.mcp.authentication.session, {
    timeout_seconds: 3600,
    max_sessions_per_client: 5,
  });
  // The guide's MCP block as written: its request_timeout bounds every tool call (30 s).
  assert.equal((await load('guide-mcp-config.yaml')).config.mcp.request_timeout, 30);
  const { config, notices } = await load('readme-mcp-api.yaml');
  assert.equal(notices.length, 1);
  assert.match(
    notices[0]!,
    /^warning: .*readme-mcp-api\.yaml uses old configuration key names, read as: mcp_api → mcp; mcp_api\.sse_enabled → mcp\.transport: http; server\.host → server\.bind_address/,
  );
  assert.deepEqual(
    [config.mcp.transport, config.mcp.port, config.server.bind_address],
    ['http', 8081, '127.0.0.1'],
  );
});

void test('old and new name of one key together is an error naming both, at the old name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-'));
  try {
    const file = join(dir, 'both.yaml');
    await writeFile(file, 'server:\n  port: 9000\n  host: 0.0.0.0\n  bind_address: 127.0.0.1\n');
    await assert.rejects(loadConfig({ file, env: {} }), (e: ConfigError) => {
      assert.match(
        e.message,
        /both\.yaml:3:3: server\.host: server\.host \(old name of server\.bind_address\) and server\.bind_address both set; keep server\.bind_address/,
      );
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the YAML blocks of docs/server.md load', async () => {
  const text = await readFile(new URL('../docs/server.md', import.meta.url), 'utf8');
  const yaml = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  assert.ok(yaml.length >= 1);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-doc-'));
  try {
    for (const [i, block] of yaml.entries()) {
      const file = join(dir, `block-${i}.yaml`);
      await writeFile(file, block);
      const { notices } = await load('', {}, file);
      assert.deepEqual(notices, [], `block ${i} uses old names`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('a bad CIDR range is refused at its line, saying what is wrong', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-'));
  try {
    const file = join(dir, 'cidr.yaml');
    await writeFile(file, 'server:\n  ip_filtering:\n    allowed_ranges: ["10.0.0.0/33", "10.1.2"]\n');
    await assert.rejects(loadConfig({ file, env: {} }), (e: ConfigError) => {
      assert.match(
        e.message,
        /server\.ip_filtering\.allowed_ranges\.0: not a CIDR range: prefix length must be 0–32 for an IPv4 address/,
      );
      assert.match(
        e.message,
        /server\.ip_filtering\.allowed_ranges\.1: not a CIDR range: "10\.1\.2" is not an IPv4 or IPv6 address/,
      );
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
