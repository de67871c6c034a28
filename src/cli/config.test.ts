import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { cleanEnv, runCli } from './test-helpers/cli-process.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ratchet-cli-config-'));
  await writeFile(
    join(dir, 'good.yaml'),
    'server:\n  port: 9100\n  database:\n    url: postgres://app:pa55@db:5432/r\n',
  );
  await writeFile(join(dir, 'bad.yaml'), 'server:\n  prot: 1\nlogging:\n  level: loud\n');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env: cleanEnv(env) });

void describe('ratchet config validate', () => {
  void it('accepts --config after the subcommand', async () => {
    const r = await cli(['config', 'validate', '--config', 'good.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '✓ good.yaml: valid\n');
  });

  void it('accepts the global --config before the subcommand, and -c', async () => {
    assert.equal((await cli(['--config', 'good.yaml', 'config', 'validate'])).stdout, '✓ good.yaml: valid\n');
    assert.equal((await cli(['config', 'validate', '-c', 'good.yaml'])).stdout, '✓ good.yaml: valid\n');
  });

  void it('validates defaults + environment without a file', async () => {
    const r = await cli(['config', 'validate']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '✓ defaults + environment: valid\n');
  });

  void it('lists every problem and exits 1', async () => {
    const r = await cli(['config', 'validate', '--config', 'bad.yaml']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      '✗ bad.yaml: 2 problems\n' +
        '  bad.yaml:2:3: server.prot: unknown key "server.prot" (did you mean "server.port"?)\n' +
        '  bad.yaml:4:3: logging.level: invalid value (got "loud", expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent")\n',
    );
  });

  void it('reports a bad environment variable by name, and a missing file', async () => {
    const env = await cli(['config', 'validate'], { RATCHET_SERVER__PORT: 'x' });
    assert.equal(env.code, 1);
    assert.match(
      env.stderr,
      /RATCHET_SERVER__PORT: server\.port: not a number \(got "x", expected integer 1–65535\)/,
    );
    const missing = await cli(['config', 'validate', '--config', 'none.yaml']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /none\.yaml: \(root\): file not found: .*none\.yaml/);
  });
});

void describe('ratchet config show', () => {
  void it('prints the effective configuration as YAML with secrets masked', async () => {
    const r = await cli(['config', 'show', '--config', 'good.yaml'], { RATCHET_LOGGING__LEVEL: 'warn' });
    assert.equal(r.code, 0, r.stderr);
    const shown = parse(r.stdout) as {
      server: { port: number; database: { url: string } };
      logging: { level: string };
    };
    assert.equal(shown.server.port, 9100);
    assert.equal(shown.logging.level, 'warn');
    assert.equal(shown.server.database.url, 'postgres://app:****@db:5432/r');
    assert.doesNotMatch(r.stdout, /pa55/);
  });

  void it('prints JSON with --format json', async () => {
    const r = await cli(['config', 'show', '--format', 'json'], {
      RATCHET_DATABASE_URL: 'postgres://u:topsecret@h/d',
    });
    assert.equal(r.code, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as { server: { port: number; database: { url: string } } };
    assert.equal(shown.server.port, 8080);
    assert.equal(shown.server.database.url, 'postgres://u:****@h/d');
  });

  void it('exits 2 on a bad --format or an invalid configuration', async () => {
    const format = await cli(['config', 'show', '--format', 'toml']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format must be yaml or json \(got "toml"\)/);
    const bad = await cli(['config', 'show', '--config', 'bad.yaml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: invalid configuration:\nbad\.yaml:2:3: server\.prot: unknown key/);
  });
});

void describe('ratchet config generate', () => {
  void it('writes a template to stdout', async () => {
    const r = await cli(['config', 'generate', '--type', 'production']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^# Ratchet configuration/);
    assert.match(r.stdout, /postgres:\/\/ratchet:CHANGE_ME@/);
  });

  void it('writes --output, refuses to overwrite without --force, overwrites with it', async () => {
    const out = join(dir, 'gen.yaml');
    const first = await cli(['config', 'generate', '--type', 'dev', '--output', 'gen.yaml']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(await readFile(out, 'utf8'), /level: debug/);
    assert.equal((await cli(['config', 'validate', '--config', 'gen.yaml'])).code, 0);

    const again = await cli(['config', 'generate', '--type', 'minimal', '--output', 'gen.yaml']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /gen\.yaml already exists; use --force to overwrite it/);
    assert.match(await readFile(out, 'utf8'), /level: debug/);

    const forced = await cli(['config', 'generate', '--type', 'minimal', '--output', 'gen.yaml', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.doesNotMatch(await readFile(out, 'utf8'), /level: debug/);
  });

  void it('exits 2 listing the valid types', async () => {
    const r = await cli(['config', 'generate', '--type', 'prod']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown --type "prod" \(valid: minimal, dev, production\)/);
    assert.equal((await cli(['config', 'generate'])).code, 2);
  });
});

// The brief's README spells these `config validate --config-file`, `config generate --config-type`
// and `config show --mcp-only`; they are aliases of (or filters on) the commands above.
void describe("the brief README's config spellings", () => {
  void it('config validate --config-file=<path> checks that file', async () => {
    const good = await cli(['config', 'validate', '--config-file=good.yaml']);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, '✓ good.yaml: valid\n');
    const bad = await cli(['config', 'validate', '--config-file', 'bad.yaml']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^✗ bad\.yaml: 2 problems/);
  });

  void it('config generate --config-type=dev writes the dev template; no type at all is a usage error', async () => {
    const r = await cli(['config', 'generate', '--config-type=dev', '--output=alias-dev.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '✓ wrote dev configuration to alias-dev.yaml\n');
    const dev = (await cli(['config', 'generate', '--type', 'dev'])).stdout;
    assert.equal(await readFile(join(dir, 'alias-dev.yaml'), 'utf8'), dev);
    const none = await cli(['config', 'generate']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /config generate: --type is required \(minimal, dev, production\)/);
  });

  void it('config show --mcp-only prints the mcp section alone, in YAML or JSON', async () => {
    const yaml = await cli(['config', 'show', '--mcp-only'], { RATCHET_MCP__PORT: '9911' });
    assert.equal(yaml.code, 0, yaml.stderr);
    const shown = parse(yaml.stdout) as Record<string, { port: number; transport: string }>;
    assert.deepEqual(Object.keys(shown), ['mcp']);
    assert.equal(shown.mcp!.port, 9911);
    const json = await cli(['config', 'show', '--mcp-only', '--format=json'], {
      RATCHET_MCP__TRANSPORT: 'http',
    });
    const parsed = JSON.parse(json.stdout) as Record<string, { transport: string }>;
    assert.deepEqual(Object.keys(parsed), ['mcp']);
    assert.equal(parsed.mcp!.transport, 'http');
  });
});
