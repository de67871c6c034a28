// The quality tools as plain data in, plain data out, so a stored task's files can be handed to a
// worker thread (services/quality-thread.ts) and the answer cloned back. Each op is one tool.
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { runTestsWithCoverage, type CoverageRun } from './coverage.ts';
import { fuzzTask, type FuzzReport } from './fuzz.ts';
import { generateTests, type GeneratedTests } from './generate-tests.ts';
import { debugTask, type DebugRun } from './debug.ts';
import { compareWithBaseline, type BaselineReport } from './baseline.ts';
import { replaySession, type RecordedRun, type ReplayReport } from './replay.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { profileJob, type ProfileJobResult, type ProfileSource } from './profile-job.ts';

export interface QualityEnv {
  limits: RuntimeLimits;
  http: HttpClientOptions;
}

export type QualityJob =
  | { kind: 'coverage'; offline?: boolean }
  | { kind: 'fuzz'; durationMs: number; seed: number; parallel: number; timeoutMs?: number }
  | { kind: 'generate'; seed: number }
  | { kind: 'debug'; input: unknown; breakpoints: string[]; watch: string[]; maxHits: number }
  | { kind: 'baseline'; baselineFiles: Record<string, string>; baselineLabel: string; runs: number }
  | { kind: 'replay'; run: RecordedRun }
  | { kind: 'profile'; source: ProfileSource };

export interface QualityResults {
  coverage: CoverageRun;
  fuzz: FuzzReport;
  generate: GeneratedTests;
  debug: DebugRun;
  baseline: BaselineReport;
  replay: ReplayReport;
  profile: ProfileJobResult;
}

export async function runQualityJob<J extends QualityJob>(
  pkg: TaskPackage,
  label: string,
  job: J,
  env: QualityEnv,
): Promise<QualityResults[J['kind']]> {
  switch (job.kind) {
    case 'coverage':
      return runTestsWithCoverage([{ pkg, path: label }], { ...env, offline: job.offline }) as Promise<
        QualityResults[J['kind']]
      >;
    case 'fuzz':
      return fuzzTask(pkg, { ...job, limits: env.limits }) as Promise<QualityResults[J['kind']]>;
    case 'generate':
      return generateTests(pkg, { seed: job.seed, limits: env.limits }) as Promise<QualityResults[J['kind']]>;
    case 'debug':
      return debugTask(pkg, { ...job, limits: env.limits }) as Promise<QualityResults[J['kind']]>;
    case 'replay':
      return replaySession(pkg, job.run, { limits: env.limits }) as Promise<QualityResults[J['kind']]>;
    case 'profile':
      return profileJob(pkg, job.source, env) as Promise<QualityResults[J['kind']]>;
    case 'baseline': {
      const baseline = loadTaskFromFiles(job.baselineFiles, { kind: 'store', path: job.baselineLabel });
      return compareWithBaseline(pkg, baseline, { ...env, runs: job.runs }) as Promise<
        QualityResults[J['kind']]
      >;
    }
  }
}
