// The profile's own cost (issue 21 item 6): the addition sample run in-process plain and with
// `profile: true` (phase timings and heap samples; quality/profile.ts builds the profile and the
// trace), alternating in rounds so a busy machine slows both alike. Prints one JSON object.
// Run: npx node bench/profile.ts
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTask } from '../src/tasks/load.ts';
import { runTask } from '../src/runtime/run-task.ts';
import { profileTask } from '../src/quality/profile.ts';
import type { SyncFetch } from '../src/http/types.ts';
import { percentile, report, round, sample } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const noNetwork: SyncFetch = (req) => ({
  request: req,
  error: { type: 'NetworkError', message: 'off' },
  startedAt: '',
  durationMs: 0,
});

const pkg = await loadTask(join(ROOT, 'sample/tasks/addition'));
const opts = { input: { num1: 5, num2: 10 }, fetch: noNetwork };
const plain: number[] = [];
const profiled: number[] = [];
for (let round = 0; round < 10; round++) {
  plain.push(...(await sample(1000, 100, () => runTask(pkg, opts))));
  profiled.push(...(await sample(1000, 100, () => profileTask(pkg, opts))));
}
const p50 = { plain: percentile(plain, 50), profiled: percentile(profiled, 50) };
report('profile', {
  task: 'addition',
  runsEach: plain.length,
  plainP50Ms: p50.plain,
  profiledP50Ms: p50.profiled,
  overheadP50Ms: round(p50.profiled - p50.plain),
  plainP99Ms: percentile(plain, 99),
  profiledP99Ms: percentile(profiled, 99),
});
