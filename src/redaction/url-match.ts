// Recordings and recorded tests hold URLs whose secret parts read REDACTED. A live request matches
// such a URL when it is equal everywhere else: each REDACTED stands for any text. Replay and test
// mocks use this, so a recording made with a real key replays with the masked or a new one.
import { REDACTED } from './rules.ts';

const patterns = new Map<string, RegExp>();

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `recorded` contains REDACTED and `actual` equals it with any text in those places. */
export function redactedUrlMatches(recorded: string, actual: string): boolean {
  if (!recorded.includes(REDACTED)) return false;
  let re = patterns.get(recorded);
  if (!re) {
    re = new RegExp(`^${recorded.split(REDACTED).map(escape).join('.*?')}$`, 's');
    if (patterns.size > 1000) patterns.clear();
    patterns.set(recorded, re);
  }
  return re.test(actual);
}
