// Service errors a user can act on (bad input, illegal state change, full queue, not found) as one
// clear line and the exit code of the shared vocabulary (services/error-codes.ts), instead of a
// stack trace; the message is the one REST and MCP show.
import { classifyError, ERROR_FACES } from '../services/error-codes.ts';
import { CliExit } from './errors.ts';

/** Runs fn; an error in the vocabulary is printed and becomes its exit code, anything else is rethrown. */
export async function handleServiceError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const known = classifyError(err);
    if (!known) throw err;
    process.stderr.write(`error: ${known.message}\n`);
    throw new CliExit(ERROR_FACES[known.code].cliExit);
  }
}
