import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from './load.ts';
import { resolveSourceUri, resolveSqlitePath } from './paths.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ratchet-paths-'));
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

void describe('path helpers', () => {
  void it('resolves relative SQLite files only', () => {
    assert.equal(resolveSqlitePath('sqlite://./a/b.db', '/srv'), 'sqlite:///srv/a/b.db');
    assert.equal(resolveSqlitePath('sqlite://b.db', '/srv'), 'sqlite:///srv/b.db');
    assert.equal(resolveSqlitePath('sqlite:///abs/b.db', '/srv'), 'sqlite:///abs/b.db');
    assert.equal(resolveSqlitePath('sqlite::memory:', '/srv'), 'sqlite::memory:');
    assert.equal(resolveSqlitePath('postgres://u:p@h/d', '/srv'), 'postgres://u:p@h/d');
  });

  void it('resolves file:// and local sources, leaves git URLs', () => {
    assert.equal(resolveSourceUri('file://./tasks', '/srv'), 'file:///srv/tasks');
    assert.equal(resolveSourceUri('tasks', '/srv'), '/srv/tasks');
    assert.equal(resolveSourceUri('ssh://git@host/r.git', '/srv'), 'ssh://git@host/r.git');
    assert.equal(resolveSourceUri('git@github.com:o/r.git', '/srv'), 'git@github.com:o/r.git');
  });
});

void describe('relative paths', () => {
  void it('resolves paths from the file against the file folder', async () => {
    const file = await write(
      'conf/paths.yaml',
      [
        'server:',
        '  database:',
        '    url: sqlite://./db/r.db',
        '  tls:',
        '    cert: tls/cert.pem',
        '    key: /abs/key.pem',
        'registry:',
        '  cache_dir: cache',
        '  sources:',
        '    - { name: a, uri: "file://./tasks" }',
        '    - { name: b, uri: ../more }',
        '    - { name: c, uri: "https://github.com/o/r.git" }',
        '    - { name: d, uri: "git@github.com:o/r.git" }',
        '    - { name: e, uri: "file:///srv/tasks" }',
        '',
      ].join('\n'),
    );
    const conf = join(dir, 'conf');
    const c = await loadConfig({ file, env: {}, cwd: '/' });
    assert.equal(c.server.database.url, `sqlite://${join(conf, 'db/r.db')}`);
    assert.equal(c.server.tls.cert, join(conf, 'tls/cert.pem'));
    assert.equal(c.server.tls.key, '/abs/key.pem');
    assert.equal(c.registry.cache_dir, join(conf, 'cache'));
    assert.deepEqual(
      c.registry.sources.map((s) => s.uri),
      [
        `file://${join(conf, 'tasks')}`,
        join(dir, 'more'),
        'https://github.com/o/r.git',
        'git@github.com:o/r.git',
        'file:///srv/tasks',
      ],
    );
  });

  void it('resolves defaults and environment values against cwd even with a file', async () => {
    const file = await write('conf/other.yaml', 'logging:\n  level: warn\n');
    const c = await loadConfig({ file, env: { RATCHET_REGISTRY__CACHE_DIR: 'envcache' }, cwd: '/work-dir' });
    assert.equal(c.server.database.url, 'sqlite:///work-dir/data/ratchet.db');
    assert.equal(c.registry.cache_dir, '/work-dir/envcache');
  });

  void it('leaves in-memory and PostgreSQL URLs alone', async () => {
    for (const url of ['sqlite::memory:', 'postgres://u:p@h:5432/d']) {
      const c = await loadConfig({ env: { RATCHET_DATABASE_URL: url }, cwd: dir });
      assert.equal(c.server.database.url, url);
    }
  });
});
