// API keys as a service: create (returns the secret once), verify a presented key, list, revoke.
// Keys look like `rk_<prefix>_<secret>`: the 8-character prefix is stored in clear to find the row
// and to name the key in listings; only a hash of the whole key is stored.
//
// Why SHA-256 and not scrypt/argon2: those slow hashes exist to make guessing LOW-entropy
// passwords expensive. Our secrets are 32 random bytes (256 bits) generated here, so brute force
// is infeasible whatever the hash, and a fast hash keeps per-request verification in microseconds.
import { DurationError, parseDuration } from '../config/duration.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/codec.ts';
import {
  createApiKey,
  getApiKeyByPrefix,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
  type ApiKeyRecord,
} from '../store/repos/api-keys.ts';
import { NotFoundError } from '../store/codec.ts';
import { ROLE_NAMES, isRole, type Role } from './roles.ts';
import { ValidationError } from './errors.ts';

export type { ApiKeyRecord } from '../store/repos/api-keys.ts';

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PATTERN = /^rk_([a-z0-9]{8})_([A-Za-z0-9_-]{20,})$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function randomPrefix(): string {
  const bytes = randomBytes(8);
  let out = '';
  for (const b of bytes) out += PREFIX_ALPHABET[b % PREFIX_ALPHABET.length];
  return out;
}

/** An expiry such as `30d`, `12h`, `90m`, `2w`, `45s` → milliseconds; anything else is a ValidationError. */
export function parseExpiry(text: string): number {
  try {
    return parseDuration(text, { positive: true });
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
    throw new ValidationError('invalid expiry', [{ path: 'expires', message: err.message }]);
  }
}

export interface NewApiKey {
  /** The full key: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

export interface CreateKeyInput {
  name: string;
  role: string;
  /** Lifetime in ms from now; undefined: never expires. */
  expiresInMs?: number;
}

export async function createKey(db: Db, input: CreateKeyInput, now = Date.now()): Promise<NewApiKey> {
  const problems = [];
  if (input.name.trim() === '') problems.push({ path: 'name', message: 'must not be empty' });
  if (!isRole(input.role))
    problems.push({ path: 'role', message: `"${input.role}" is not a role (${ROLE_NAMES.join(', ')})` });
  if (problems.length > 0) throw new ValidationError('invalid API key', problems);
  const prefix = randomPrefix();
  const key = `rk_${prefix}_${randomBytes(32).toString('base64url')}`;
  const record = await createApiKey(db, {
    prefix,
    keyHash: hashApiKey(key),
    name: input.name.trim(),
    role: input.role,
    expiresAt: input.expiresInMs === undefined ? null : now + input.expiresInMs,
  });
  return { key, record };
}

export type VerifyResult =
  | { ok: true; key: ApiKeyRecord & { role: Role } }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/** Checks a presented key; the reason is for logs and the 401 message (it leaks nothing secret). */
export async function verifyKey(db: Db, presented: string, now = Date.now()): Promise<VerifyResult> {
  const m = KEY_PATTERN.exec(presented);
  if (!m) return { ok: false, reason: 'malformed' };
  const row = await getApiKeyByPrefix(db, m[1] as string);
  if (!row) return { ok: false, reason: 'unknown' };
  const want = Buffer.from(row.keyHash, 'hex');
  const got = Buffer.from(hashApiKey(presented), 'hex');
  if (want.length !== got.length || !timingSafeEqual(want, got) || !isRole(row.role))
    return { ok: false, reason: 'unknown' };
  if (row.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (row.expiresAt !== null && Date.parse(row.expiresAt) <= now) return { ok: false, reason: 'expired' };
  return { ok: true, key: { ...row, role: row.role } };
}

/** Keys usable at `now` (not revoked, not expired). */
export async function countActiveKeys(db: Db, now = Date.now()): Promise<number> {
  return (await listApiKeys(db, { activeAt: now })).length;
}

export function listKeys(db: Db): Promise<ApiKeyRecord[]> {
  return listApiKeys(db);
}

/** Revokes by prefix; NotFoundError when no such active key. */
export async function revokeKey(db: Db, prefix: string): Promise<void> {
  if (await revokeApiKey(db, prefix)) return;
  const row = await getApiKeyByPrefix(db, prefix);
  if (!row) throw new NotFoundError(`no API key with prefix "${prefix}" (see: ratchet apikey list)`);
  throw new NotFoundError(`API key "${prefix}" (${row.name}) was already revoked at ${row.revokedAt}`);
}

/**
 * Records use of a key at most once per `intervalMs` per key (per process), so a busy client does
 * not turn every read into a write. Failures are ignored: usage stamps are informational.
 */
export function createUsageRecorder(db: Db, intervalMs = 60_000): (keyId: number) => void {
  const last = new Map<number, number>();
  return (keyId) => {
    const now = Date.now();
    if (now - (last.get(keyId) ?? 0) < intervalMs) return;
    last.set(keyId, now);
    touchApiKey(db, keyId, now).catch(() => undefined);
  };
}
