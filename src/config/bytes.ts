// Memory limits are written as sizes ("128MB") or plain byte counts; this is the one parser for both.
import { z } from 'zod';

/** "128MB", "1GB", "512KB", "1024B" or a plain number of bytes. */
export const BYTE_SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$/i;
const UNIT_BYTES: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/** Converts a byte-size setting ("128MB" or 134217728) to bytes. Sizes use binary units (1MB = 1024² bytes). */
export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = BYTE_SIZE_PATTERN.exec(value);
  if (!m)
    throw new Error(`not a byte size: ${JSON.stringify(value)} (expected e.g. "128MB" or a number of bytes)`);
  return Math.floor(Number(m[1]) * UNIT_BYTES[(m[2] ?? 'B').toUpperCase()]!);
}

export const byteSize = () =>
  z.union([
    z.number().int().min(1),
    z
      .string()
      .regex(BYTE_SIZE_PATTERN, { error: 'expected a size such as "128MB", "1GB" or a number of bytes' }),
  ]);
