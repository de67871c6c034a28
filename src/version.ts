// The package version, read once, for every part that reports it (CLI --version, health, OpenAPI,
// metrics build info, worker rows, HAR creator). package.json sits one level above both src/ and dist/.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function ratchetVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    cached = pkg.version ?? 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
