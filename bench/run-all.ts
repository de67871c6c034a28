// Runs every benchmark in bench/ one after another; each prints its own JSON object.
// Run: npm run bench   (build first: the runtime benchmark also times the CLI process)
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const skip = new Set([
  'lib.ts',
  'run-all.ts',
  'memory-probe.ts',
  'seed-history.ts',
  'thread-start-round.ts',
  'thread-start-bare.ts',
]);
for (const file of readdirSync(dir).sort()) {
  if (!file.endsWith('.ts') || skip.has(file)) continue;
  execFileSync(process.execPath, [join(dir, file)], { stdio: 'inherit' });
}
