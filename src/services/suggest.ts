// "Did you mean": a task or schedule reference that names nothing gets the nearest existing name
// added to its NotFoundError, so an agent that misspelt `adition` calls `addition` next instead of
// listing everything. Faces pass any error through withSuggestion before reporting it.
import type { Ratchet } from './context.ts';
import { closest } from '../config/errors.ts';
import { NotFoundError } from '../store/codec.ts';
import { listTaskPage } from './tasks.ts';
import { listSchedulePage } from './schedules.ts';

/** Names looked at (the nearest of the first this many is suggested). */
const CANDIDATES = 1000;

const KINDS: { pattern: RegExp; names(app: Ratchet): Promise<string[]> }[] = [
  {
    pattern: /^no task "([^"]+)"/,
    names: async (app) => (await listTaskPage(app, { limit: CANDIDATES })).rows.map((t) => t.name),
  },
  {
    pattern: /^no schedule "([^"]+)"/,
    names: async (app) => (await listSchedulePage(app, { limit: CANDIDATES })).rows.map((s) => s.name),
  },
];

/** The error, or for an unknown task or schedule name a NotFoundError naming the nearest one. */
export async function withSuggestion(app: Ratchet, err: unknown): Promise<unknown> {
  if (!(err instanceof NotFoundError)) return err;
  for (const kind of KINDS) {
    const ref = kind.pattern.exec(err.message)?.[1];
    if (ref === undefined) continue;
    const near = closest(ref, await kind.names(app).catch(() => []));
    return near === undefined || near === ref
      ? err
      : new NotFoundError(`${err.message}; did you mean "${near}"?`);
  }
  return err;
}
