// Service errors a user can act on (bad input, illegal state change, full queue, not found) as one
// clear line and the exit code of the shared vocabulary (services/error-codes.ts), instead of a
// stack trace; the message is the one REST and MCP show.
import { classifyError, ERROR_FACES } from '../services/error-codes.ts';
import { CliExit } from './errors.ts';

/** Throws CliExit after printing, when err is in the vocabulary; returns when it is not. */
export function exitOnServiceError(err: unknown): void {
  const known = classifyError(err);
  if (!known) return;
  process.stderr.write(`error: ${known.message}\n`);
  throw new CliExit(ERROR_FACES[known.code].cliExit);
}

export async function handleServiceError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    exitOnServiceError(err);
    throw err;
  }
}
