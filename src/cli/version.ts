import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json (found relative to this file both in src/ and in dist/). */
export function packageVersion(): string {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  cached = pkg.version;
  return cached;
}
