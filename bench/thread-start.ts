// Executor thread start: from a run handed to an on-demand pool with no thread (a worker's first
// job after start-up or after idle_thread_seconds) to its result, through the built package's
// pool, as `ratchet worker` runs it (dist/; run `npm run build` first). Each round is a fresh
// process: "first" is the process's first thread, "next" a second pool's thread in the same process
// (V8's code and the compiled sandbox already there). Prints one JSON object.
// Run: npx node bench/thread-start.ts [rounds]   (default 10)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from '../test/helpers/build-stamp.ts';
import { percentile, report } from './lib.ts';

const ROUND = fileURLToPath(new URL('./thread-start-round.ts', import.meta.url));
const rounds = Number(process.argv[2] ?? 10);
if (!buildIsCurrent()) throw new Error('dist/ was not built from these sources: run `npm run build` first');

const first: number[] = [];
const next: number[] = [];
for (let i = 0; i < rounds; i++) {
  const out = JSON.parse(execFileSync(process.execPath, [ROUND], { encoding: 'utf8' })) as number[];
  first.push(out[0]!);
  next.push(out[1]!);
}
report('thread-start', {
  rounds,
  firstThreadMs: { p50: percentile(first, 50), max: percentile(first, 100) },
  nextThreadMs: { p50: percentile(next, 50), max: percentile(next, 100) },
});
