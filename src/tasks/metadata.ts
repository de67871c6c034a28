// metadata.json → TaskMetadata. The original loaders each demanded a different subset of keys;
// here one parser accepts all of them (COMPAT.md §1) and reports every wrong key with its path.
import { createHash } from 'node:crypto';
// Only `valid`, not the whole package: every executor thread loads this module, and semver's index
// (some 40 files) cost a thread ~7 ms of its start-up.
import validSemver from 'semver/functions/valid.js';
import type { Problem, TaskMetadata } from './types.ts';
import { appendIndex } from './json-path.ts';

/** Fixed namespace for derived task UUIDs: the same name always yields the same UUID. */
const TASK_UUID_NAMESPACE = '6f1f4a52-3c1e-5b9a-9d7e-2a8c4b0e7d31';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 4122 version-5 UUID: sha1 of namespace bytes + name, with version and variant bits set. */
export function deriveTaskUuid(name: string): string {
  const ns = Buffer.from(TASK_UUID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** "My Weather Task!" → "my-weather-task". */
export function slugify(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  K: 1024,
  KB: 1024,
  KIB: 1024,
  M: 1024 ** 2,
  MB: 1024 ** 2,
  MIB: 1024 ** 2,
  G: 1024 ** 3,
  GB: 1024 ** 3,
  GIB: 1024 ** 3,
};

/**
 * "128MB", "64 MiB", "1GB", "512KB" or a byte count → bytes. Decimal-looking units are read as
 * binary (1 MB = 1024² bytes), as memory limits conventionally are and as the original's tasks meant.
 */
export function parseMemoryLimit(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const factor = MEMORY_UNITS[m[2]!.toUpperCase()];
  if (factor === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * factor);
  return bytes > 0 ? bytes : undefined;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function parseMetadata(
  raw: unknown,
  file = 'metadata.json',
): { metadata: TaskMetadata; problems: Problem[] } {
  const problems: Problem[] = [];
  const fail = (path: string, message: string): void => {
    problems.push({ severity: 'error', file, path, message });
  };
  const obj: Record<string, unknown> =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (obj !== raw) fail('$', `must be a JSON object (got ${describeValue(raw)})`);

  const optionalString = (key: string, allowEmpty = false): string | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && (allowEmpty || v.trim() !== '')) return v;
    fail(`$.${key}`, `must be a ${allowEmpty ? '' : 'non-empty '}string (got ${describeValue(v)})`);
    return undefined;
  };

  let name = optionalString('name');
  let label = optionalString('label');
  if (name === undefined && label !== undefined) {
    name = slugify(label);
    if (name === '')
      fail('$.label', `cannot derive a task name from label ${describeValue(label)}; add "name"`);
  }
  if (label === undefined && name !== undefined) label = name;
  if (name === undefined && !('name' in obj) && !('label' in obj) && obj === raw) {
    fail('$.name', 'is required: give "name" (e.g. "my-task") or "label" (e.g. "My Task")');
  }

  let version = '';
  const rawVersion = obj.version;
  if (rawVersion === undefined) {
    if (obj === raw) fail('$.version', 'is required (a semantic version such as 1.0.0)');
  } else if (typeof rawVersion !== 'string') {
    fail('$.version', `must be a string such as "1.0.0" (got ${describeValue(rawVersion)})`);
  } else {
    const valid = validSemver(rawVersion);
    if (valid === null) {
      fail(
        '$.version',
        `"${rawVersion}" is not a semantic version (expected MAJOR.MINOR.PATCH such as 1.0.0)`,
      );
    } else {
      version = valid;
    }
  }

  let uuid: string;
  const rawUuid = obj.uuid;
  if (rawUuid === undefined) {
    uuid = deriveTaskUuid(name ?? '');
  } else if (typeof rawUuid === 'string' && UUID_PATTERN.test(rawUuid)) {
    uuid = rawUuid.toLowerCase();
  } else {
    fail(
      '$.uuid',
      `${describeValue(rawUuid)} is not a UUID (expected e.g. "550e8400-e29b-41d4-a716-446655440000")`,
    );
    uuid = deriveTaskUuid(name ?? '');
  }

  const integer = (key: string, min: number, unit: string): number | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
    const kind = min > 0 ? 'a positive integer' : 'a non-negative integer';
    fail(`$.${key}`, `must be ${kind}${unit} (got ${describeValue(v)})`);
    return undefined;
  };
  const timeoutMs = integer('timeout', 1, ' of milliseconds');
  const maxConcurrency = integer('max_concurrency', 0, '');
  const maxRetries = integer('max_retries', 0, '');

  let memoryLimitBytes: number | undefined;
  if (obj.memory_limit !== undefined) {
    memoryLimitBytes = parseMemoryLimit(obj.memory_limit);
    if (memoryLimitBytes === undefined) {
      fail(
        '$.memory_limit',
        `${describeValue(obj.memory_limit)} is not a memory size (expected e.g. "128MB", "64 MiB", "1GB", "512KB" or a number of bytes)`,
      );
    }
  }

  const tags: string[] = [];
  if (obj.tags !== undefined) {
    if (!Array.isArray(obj.tags)) {
      fail('$.tags', `must be an array of strings (got ${describeValue(obj.tags)})`);
    } else {
      obj.tags.forEach((t: unknown, i) => {
        if (typeof t === 'string') tags.push(t);
        else fail(appendIndex('$.tags', i), `must be a string (got ${describeValue(t)})`);
      });
    }
  }

  let testMatch: TaskMetadata['testMatch'];
  if (obj.test_match !== undefined) {
    if (obj.test_match === 'exact' || obj.test_match === 'partial') testMatch = obj.test_match;
    else fail('$.test_match', `must be "exact" or "partial" (got ${describeValue(obj.test_match)})`);
  }

  const metadata: TaskMetadata = {
    uuid,
    name: name ?? '',
    label: label ?? '',
    version,
    tags,
    raw: obj,
  };
  const description = optionalString('description', true);
  const author = optionalString('author', true);
  if (description !== undefined) metadata.description = description;
  if (author !== undefined) metadata.author = author;
  if (timeoutMs !== undefined) metadata.timeoutMs = timeoutMs;
  if (memoryLimitBytes !== undefined) metadata.memoryLimitBytes = memoryLimitBytes;
  if (maxConcurrency !== undefined) metadata.maxConcurrency = maxConcurrency;
  if (maxRetries !== undefined) metadata.maxRetries = maxRetries;
  if (testMatch !== undefined) metadata.testMatch = testMatch;
  return { metadata, problems };
}
