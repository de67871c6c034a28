// The quality tools as plain data in, plain data out, so a stored task's files can be handed to a
// worker thread (services/quality-thread.ts) and the answer cloned back. Each op is one tool.
import type { HttpClientOptions } from '../../http/client.ts';
import type { RuntimeLimits } from '../../runtime/run-task.ts';
import type { TaskPackage } from '../types.ts';
import { runTestsWithCoverage, type CoverageRun } from './coverage.ts';

export interface QualityEnv {
  limits: RuntimeLimits;
  http: HttpClientOptions;
}

export type QualityJob = { kind: 'coverage'; offline?: boolean };

export interface QualityResults {
  coverage: CoverageRun;
}

export async function runQualityJob<J extends QualityJob>(
  pkg: TaskPackage,
  label: string,
  job: J,
  env: QualityEnv,
): Promise<QualityResults[J['kind']]> {
  switch (job.kind) {
    case 'coverage':
      return runTestsWithCoverage([{ pkg, path: label }], { ...env, offline: job.offline });
  }
}
