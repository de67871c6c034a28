// API keys: only a hash is stored; the prefix (shown to users) finds the row to compare against.
import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../schema.ts';
import { ConflictError, isUniqueViolation, iso, toMs } from '../codec.ts';
import type { Db, TimeInput } from '../codec.ts';

export interface ApiKeyRecord {
  id: number;
  prefix: string;
  keyHash: string;
  name: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface CreateApiKeyInput {
  prefix: string;
  keyHash: string;
  name: string;
  role: string;
  expiresAt?: TimeInput | null;
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: Number(row.id),
    prefix: row.prefix,
    keyHash: row.key_hash,
    name: row.name,
    role: row.role,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  };
}

export async function createApiKey(db: Db, input: CreateApiKeyInput): Promise<ApiKeyRecord> {
  try {
    const row = await db
      .insertInto('api_keys')
      .values({
        prefix: input.prefix,
        key_hash: input.keyHash,
        name: input.name,
        role: input.role,
        created_at: Date.now(),
        expires_at: input.expiresAt == null ? null : toMs(input.expiresAt, 'API key expiresAt'),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toApiKey(row);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(`an API key with prefix "${input.prefix}" already exists`);
    throw err;
  }
}

export async function getApiKeyByPrefix(db: Db, prefix: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  return row ? toApiKey(row) : undefined;
}

/** Keys that are neither revoked nor expired at `now` (default: all keys, newest first). */
export async function listApiKeys(db: Db, opts: { activeAt?: TimeInput } = {}): Promise<ApiKeyRecord[]> {
  let qb = db.selectFrom('api_keys').selectAll();
  if (opts.activeAt !== undefined) {
    const now = toMs(opts.activeAt);
    qb = qb
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  }
  const rows = await qb.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toApiKey);
}

/** Revokes a key; false when no such key or it was already revoked. */
export async function revokeApiKey(db: Db, prefix: string): Promise<boolean> {
  const res = await db
    .updateTable('api_keys')
    .set({ revoked_at: Date.now() })
    .where('prefix', '=', prefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function touchApiKey(db: Db, id: number, at: TimeInput = Date.now()): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: toMs(at) })
    .where('id', '=', id)
    .execute();
}
