import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretKey, maskSecrets, maskUrl } from './mask.ts';
import { ConfigSchema } from './schema.ts';

void describe('masking', () => {
  void it('masks passwords in URLs', () => {
    assert.equal(maskUrl('postgres://user:hunter2@host:5432/db'), 'postgres://user:****@host:5432/db');
    assert.equal(maskUrl('postgresql://u:p%40ss@h/db?ssl=true'), 'postgresql://u:****@h/db?ssl=true');
    assert.equal(maskUrl('https://ghp_token123@github.com/o/r.git'), 'https://****@github.com/o/r.git');
    assert.equal(maskUrl('ssh://git@github.com/o/r.git'), 'ssh://git@github.com/o/r.git');
    assert.equal(maskUrl('sqlite://./data/ratchet.db'), 'sqlite://./data/ratchet.db');
  });

  void it('recognises secret key names', () => {
    for (const k of [
      'password',
      'db_password',
      'api_token',
      'webhook_secret',
      'key',
      'api_key',
      'credentials',
    ]) {
      assert.ok(isSecretKey(k), k);
    }
    for (const k of ['port', 'keyboard', 'cache_dir', 'max_tokens_x'.replace('tokens', 'items')]) {
      assert.ok(!isSecretKey(k), k);
    }
  });

  void it('masks a configuration without changing the input', () => {
    const config = ConfigSchema.parse({
      server: {
        database: { url: 'postgres://ratchet:s3cret@db/ratchet' },
        tls: { cert: '/c.pem', key: '/k.pem' },
      },
    });
    const extra = {
      ...config,
      plugin: { auth_token: 'abc', nested: { password: 12345 }, list: [{ secret: 'x' }] },
    };
    const masked = maskSecrets(extra);
    assert.equal(masked.server.database.url, 'postgres://ratchet:****@db/ratchet');
    assert.equal(masked.server.tls.key, '****');
    assert.equal(masked.server.tls.cert, '/c.pem');
    assert.deepEqual(masked.plugin, {
      auth_token: '****',
      nested: { password: '****' },
      list: [{ secret: '****' }],
    });
    assert.equal(config.server.database.url, 'postgres://ratchet:s3cret@db/ratchet');
    assert.equal(masked.server.port, 8080);
  });
});
