// `ratchet apikey create|list|revoke`: API keys for the server, managed directly in the configured
// store (no server needed). The full key is printed once at creation; only its hash is kept.
import type { Command } from 'commander';
import { createKey, listKeys, parseExpiry, revokeKey } from '../services/api-keys.ts';
import type { ApiKeyRecord } from '../services/api-keys.ts';
import { ROLE_NAMES, isRole } from '../services/roles.ts';
import { ValidationError } from '../services/errors.ts';
import { UsageError } from './errors.ts';
import { formatTable } from './table.ts';
import { withApp } from './with-app.ts';

function state(k: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now = Date.now()): string {
  if (k.revokedAt !== null) return 'revoked';
  if (k.expiresAt !== null && Date.parse(k.expiresAt) <= now) return 'expired';
  return 'active';
}

function expiresIn(text: string): number {
  try {
    return parseExpiry(text);
  } catch (err) {
    const why = err instanceof ValidationError ? err.violations[0]?.message : undefined;
    if (why === undefined) throw err;
    throw new UsageError(`--expires ${why}`);
  }
}

export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description('manage API keys for the HTTP API');

  apikey
    .command('create')
    .description('create an API key (printed once: store it safely)')
    .requiredOption('--name <name>', 'who or what uses the key (shown in the audit log)')
    .requiredOption('--role <role>', `one of ${ROLE_NAMES.join(', ')}`)
    .option('--expires <duration>', 'lifetime such as 30d, 12h, 2w (default: never expires)')
    .option('--json', 'print the key and its record as JSON')
    .action((flags: { name: string; role: string; expires?: string; json?: boolean }, cmd: Command) => {
      if (!isRole(flags.role))
        throw new UsageError(
          `--role ${JSON.stringify(flags.role)}: expected one of ${ROLE_NAMES.join(', ')}`,
        );
      if (flags.name.trim() === '') throw new UsageError('--name must not be empty');
      const ms = flags.expires === undefined ? undefined : expiresIn(flags.expires);
      return withApp(cmd, async (app) => {
        const { key, record } = await createKey(app.store.db, {
          name: flags.name,
          role: flags.role,
          expiresInMs: ms,
        });
        const { keyHash: _hash, ...shown } = record;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ key, ...shown }, null, 2)}\n`);
        } else {
          process.stdout.write(`${key}\n`);
        }
        process.stderr.write(
          `created API key ${record.prefix} "${record.name}" (role ${record.role}` +
            `${record.expiresAt ? `, expires ${record.expiresAt}` : ''}).\n` +
            'warning: this is the only time the key is shown; store it now (e.g. in a secret manager).\n' +
            'Use it as: Authorization: Bearer <key>\n',
        );
      });
    });

  apikey
    .command('list')
    .description('list API keys (never the secrets)')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const keys = await listKeys(app.store.db);
        if (flags.json) {
          const rows = keys.map(({ keyHash: _h, ...k }) => ({ ...k, state: state(k) }));
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (keys.length === 0) {
          process.stdout.write('no API keys (create one: ratchet apikey create --name admin --role admin)\n');
          return;
        }
        const dash = (v: string | null) => v ?? '-';
        process.stdout.write(
          formatTable(
            ['PREFIX', 'NAME', 'ROLE', 'STATE', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
            keys.map((k) => [
              k.prefix,
              k.name,
              k.role,
              state(k),
              k.createdAt,
              dash(k.expiresAt),
              dash(k.lastUsedAt),
              dash(k.revokedAt),
            ]),
          ),
        );
      }),
    );

  apikey
    .command('revoke <prefix>')
    .description('revoke an API key by its prefix (rk_<prefix>_… or just the 8 characters)')
    .action((prefix: string, _flags: unknown, cmd: Command) =>
      withApp(cmd, async (app) => {
        const bare = /^rk_([a-z0-9]{8})(_.*)?$/.exec(prefix)?.[1] ?? prefix;
        await revokeKey(app.store.db, bare);
        process.stdout.write(`revoked API key ${bare}\n`);
      }),
    );
}
