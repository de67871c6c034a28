// The profile as a quality job (ratchet_get_execution_profile, through services/quality.ts): one run
// of a task on an input, its fetches answered by the test cases' mocks (optionally delayed) or by
// the network under the server's HTTP policy; or a past execution replayed with its recorded HTTP
// answers, each held back for as long as it took when recorded, so the profile shows that run's
// network time.
import { createSyncFetcher } from '../http/sync-fetch.ts';
import type { HttpClientOptions } from '../http/client.ts';
import type { SyncFetch } from '../http/types.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import { createMockFetch } from '../testing/mocks.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { mocksOfTests } from './fuzz-lane.ts';
import { withNetworkDelay } from './network-delay.ts';
import { profileTask, type ProfiledRun } from './profile.ts';
import { createReplayFetch } from './replay-fetch.ts';
import type { RecordedRun } from './replay.ts';

export type ProfileSource =
  { input: unknown; network: 'mocks' | 'live'; delayMs?: number } | { replay: RecordedRun };

export interface ProfileJobResult extends ProfiledRun {
  /** Where the run's fetches were answered from, in words. */
  http: string;
  /** Replays only: requests the recording did not have next (the replay then diverged). */
  replayMismatches: string[];
}

export async function profileJob(
  pkg: TaskPackage,
  source: ProfileSource,
  env: { limits: RuntimeLimits; http: HttpClientOptions },
): Promise<ProfileJobResult> {
  if ('replay' in source) {
    const replay = createReplayFetch(source.replay.exchanges);
    const run = await profileTask(pkg, {
      input: source.replay.input,
      fetch: withNetworkDelay(replay.fetch, (answer) => answer.durationMs),
      limits: env.limits,
      hardDeadline: true,
      ...(source.replay.info ? { context: { executionId: source.replay.info.executionId } } : {}),
    });
    return {
      ...run,
      http: `replayed from the ${source.replay.exchanges.length} recorded exchange(s) of ${source.replay.path}, each after its recorded duration`,
      replayMismatches: replay.mismatches.map((m) => m.message),
    };
  }
  const delayed = (fetch: SyncFetch): SyncFetch =>
    source.delayMs !== undefined ? withNetworkDelay(fetch, source.delayMs) : fetch;
  if (source.network === 'live') {
    const fetcher = createSyncFetcher(env.http);
    try {
      const run = await profileTask(pkg, {
        input: source.input,
        fetch: fetcher.fetch,
        limits: env.limits,
        hardDeadline: true,
      });
      return { ...run, http: 'live, under the server’s HTTP policy', replayMismatches: [] };
    } finally {
      fetcher.close();
    }
  }
  const mocks = mocksOfTests(pkg);
  const run = await profileTask(pkg, {
    input: source.input,
    fetch: delayed(createMockFetch(mocks).fetch),
    limits: env.limits,
    hardDeadline: true,
  });
  const delay = source.delayMs !== undefined ? `, each after ${source.delayMs} ms` : '';
  return {
    ...run,
    http:
      mocks.length > 0
        ? `answered by the ${mocks.length} mock(s) of the test cases${delay}; other requests fail`
        : 'refused (no test case declares mocks)',
    replayMismatches: [],
  };
}
