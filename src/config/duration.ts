// Durations are written as a number and a unit (`500ms`, `30s`, `5m`, `2h`, `1d`, `2w`, decimals
// allowed, a space before the unit too); this is the one parser for every face (CLI flags, API key
// expiry). A bare number means milliseconds only where the caller says so (`--delay 250`); an
// expiry of "30" would be ambiguous and is refused.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/;

export interface DurationOptions {
  /** Accept a number without a unit as milliseconds (default false). */
  bareMilliseconds?: boolean;
  /** Refuse zero (default false). */
  positive?: boolean;
}

export class DurationError extends Error {
  constructor(text: string, opts: DurationOptions) {
    const bare = opts.bareMilliseconds ? ' or a number of milliseconds' : '';
    super(`${JSON.stringify(text)} is not a duration such as 500ms, 30s, 5m, 2h, 1d or 2w${bare}`);
    this.name = 'DurationError';
  }
}

/** Milliseconds, rounded; DurationError names the text and the grammar. */
export function parseDuration(text: string, opts: DurationOptions = {}): number {
  const m = DURATION.exec(text.trim());
  if (!m || (m[2] === undefined && !opts.bareMilliseconds)) throw new DurationError(text, opts);
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!);
  if (opts.positive && ms <= 0) throw new DurationError(text, opts);
  return ms;
}
