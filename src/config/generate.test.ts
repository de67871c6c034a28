import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { TEMPLATE_TYPES, configTemplate, isTemplateType } from './generate.ts';
import { loadConfig } from './load.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ratchet-gen-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadTemplate(type: (typeof TEMPLATE_TYPES)[number]) {
  const file = join(dir, `${type}.yaml`);
  await writeFile(file, configTemplate(type));
  return loadConfig({ file, env: {} });
}

void describe('generated configurations', () => {
  void it('knows its types', () => {
    assert.deepEqual([...TEMPLATE_TYPES], ['minimal', 'dev', 'production']);
    assert.ok(isTemplateType('dev'));
    assert.ok(!isTemplateType('prod'));
  });

  for (const type of TEMPLATE_TYPES) {
    void it(`${type} is commented YAML that validates`, async () => {
      const text = configTemplate(type);
      assert.ok(text.split('\n').filter((l) => l.trim().startsWith('#')).length >= 3, 'has comments');
      assert.equal(parseDocument(text).errors.length, 0);
      await loadTemplate(type);
    });
  }

  void it('minimal keeps the defaults', async () => {
    const c = await loadTemplate('minimal');
    assert.equal(c.server.port, 8080);
    assert.equal(c.logging.level, 'info');
  });

  void it('dev uses a local SQLite file next to the config, debug logs and a watched source', async () => {
    const c = await loadTemplate('dev');
    assert.equal(c.server.database.url, `sqlite://${join(dir, 'data/ratchet-dev.db')}`);
    assert.equal(c.logging.level, 'debug');
    assert.equal(c.server.auth.required, false);
    assert.deepEqual(c.registry.sources[0], {
      name: 'local',
      uri: `file://${join(dir, 'tasks')}`,
      config: { watch: true },
    });
  });

  void it('production uses PostgreSQL with a password to replace, auth, JSON logs, all interfaces, rate limits', async () => {
    const c = await loadTemplate('production');
    assert.match(c.server.database.url, /^postgres:\/\/ratchet:CHANGE_ME@/);
    assert.equal(c.server.auth.required, true);
    assert.equal(c.logging.format, 'json');
    assert.equal(c.server.bind_address, '0.0.0.0');
    assert.equal(c.server.rate_limit.enabled, true);
    assert.ok(c.server.rate_limit.requests_per_minute > 0);
  });
});
