// The input a service stores next to the one it runs, for tasks whose input schema marks fields
// writeOnly / format password (src/redaction/write-only.ts): `shown` goes where users can read it,
// `secret` (only when something was masked) is kept for the run alone.
import { WRITE_ONLY_MASK, maskWriteOnly } from '../redaction/index.ts';
import { ValidationError } from './errors.ts';

export interface SplitInput {
  shown: unknown;
  /** The real input; undefined when nothing had to be masked. */
  secret?: unknown;
}

/**
 * Splits `input`. An input that holds the mask itself in a writeOnly field was copied from a
 * stored one: running it would send "********" instead of the secret, so it is refused with the
 * paths (`prefix` replaces the leading `$`, e.g. `$.input`).
 */
export function splitSecretInput(schema: unknown, input: unknown, what: string, prefix = '$'): SplitInput {
  const m = maskWriteOnly(schema, input);
  if (m.holdsMask) {
    throw new ValidationError(
      `${what} holds the mask of a writeOnly value`,
      m.maskedPaths.map((path) => ({
        path: path.replace(/^\$/, prefix),
        message: `holds "${WRITE_ONLY_MASK}", the mask shown in place of this writeOnly value; send the real value`,
      })),
    );
  }
  return m.changed ? { shown: m.masked, secret: input } : { shown: input };
}
