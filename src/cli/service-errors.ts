// Service errors a user can act on (bad input, illegal state change, full queue) as one clear
// message and exit 1, instead of a stack trace.
import { CliExit } from './errors.ts';

const USER_ERRORS = new Set([
  'ValidationError',
  'IllegalTransitionError',
  'QueueFullError',
  'NotFoundError',
  'InvalidVersionError',
]);

export async function handleServiceError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Error && USER_ERRORS.has(err.name)) {
      process.stderr.write(`error: ${err.message}\n`);
      throw new CliExit(1);
    }
    throw err;
  }
}
