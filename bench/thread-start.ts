// Executor thread start: from a run handed to an on-demand pool with no thread (a worker's first
// job after start-up or after idle_thread_seconds) to its result, through the built package's
// pool, as `ratchet worker` runs it (dist/; run `npm run build` first). Each round is a fresh
// process: "first" is the process's first thread, "next" a second pool's thread in the same process
// (V8's code and the compiled sandbox already there). Beside them, in rounds of their own, the floor:
// a bare Node worker thread that loads nothing (thread-start-bare.ts), so what is Node's own start
// and what is ours (the bundle, the first sandbox) shows in one run. Prints one JSON object.
// Run: npx node bench/thread-start.ts [rounds]   (default 10)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from '../test/helpers/build-stamp.ts';
import { percentile, report } from './lib.ts';

const ROUND = fileURLToPath(new URL('./thread-start-round.ts', import.meta.url));
const BARE_ROUND = fileURLToPath(new URL('./thread-start-bare.ts', import.meta.url));
const rounds = Number(process.argv[2] ?? 10);
if (!buildIsCurrent()) throw new Error('dist/ was not built from these sources: run `npm run build` first');

const first: number[] = [];
const next: number[] = [];
const bareFirst: number[] = [];
const bareNext: number[] = [];
const round = (script: string): number[] =>
  JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' })) as number[];
for (let i = 0; i < rounds; i++) {
  const [ours, bare] = [round(ROUND), round(BARE_ROUND)];
  first.push(ours[0]!);
  next.push(ours[1]!);
  bareFirst.push(bare[0]!);
  bareNext.push(bare[1]!);
}
report('thread-start', {
  rounds,
  firstThreadMs: { p50: percentile(first, 50), max: percentile(first, 100) },
  nextThreadMs: { p50: percentile(next, 50), max: percentile(next, 100) },
  bareFirstThreadMs: { p50: percentile(bareFirst, 50), max: percentile(bareFirst, 100) },
  bareNextThreadMs: { p50: percentile(bareNext, 50), max: percentile(bareNext, 100) },
});
