// Value scrubbing: once a run has shown us a secret (a sensitive header or query value, a
// writeOnly input), every later copy of that exact text in what we store is replaced too: a task
// that logs its API key, or an error message that quotes the URL, does not leak it.
import { REDACTED } from './rules.ts';

/**
 * Values shorter than this are masked where they stand (header, query, input) but not searched
 * for elsewhere: replacing every "k" or "abc" in logs would destroy them without protecting much.
 */
export const MIN_SCRUB_LENGTH = 4;

export class Scrubber {
  private readonly values = new Set<string>();
  private sorted: string[] | undefined = [];

  /** Remembers a secret (and its URL-encoded spelling) so later text loses it. */
  add(value: string): void {
    for (const v of [value, encodeURIComponent(value)]) {
      if (v.length < MIN_SCRUB_LENGTH || this.values.has(v)) continue;
      this.values.add(v);
      this.sorted = undefined;
    }
  }

  get size(): number {
    return this.values.size;
  }

  scrub(text: string): string {
    if (this.values.size === 0) return text;
    // Longest first, so a secret that contains another is replaced whole.
    this.sorted ??= [...this.values].sort((a, b) => b.length - a.length);
    let out = text;
    for (const v of this.sorted) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** A copy of a JSON-like value with every string scrubbed (keys left as they are). */
  scrubDeep<T>(value: T): T {
    if (this.values.size === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.walk(v);
      return out;
    }
    return value;
  }
}
