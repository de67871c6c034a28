// The quality tools (coverage, generated cases, fuzzing, breakpoints, profiles) on a stored task
// version: its files go to a worker thread that runs the job (quality-thread.ts).
import { Worker } from 'node:worker_threads';
import type { Ratchet } from '../app.ts';
import { NotFoundError } from '../store/codec.ts';
import type { QualityJob, QualityResults } from '../tasks/quality/ops.ts';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from './runtime-settings.ts';
import { filesOfVersion } from './task-packages.ts';
import { getTaskDetail } from './tasks.ts';
import type { QualityThreadData } from './quality-thread.ts';

const THREAD_URL = new URL(
  `./quality-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export interface StoredQualityResult<T> {
  task: string;
  version: string;
  result: T;
}

export async function runQualityOnStoredTask<J extends QualityJob>(
  app: Ratchet,
  ref: string | number,
  version: string | undefined,
  job: J,
): Promise<StoredQualityResult<QualityResults[J['kind']]>> {
  const detail = await getTaskDetail(app, ref, version);
  if (!detail.version) throw new NotFoundError(`task "${detail.name}" has no enabled version`);
  const data: QualityThreadData = {
    files: filesOfVersion(detail, detail.version),
    label: `${detail.name}@${detail.version.version}`,
    job,
    env: { limits: runtimeLimitsFromConfig(app.config), http: httpOptionsFromConfig(app.config) },
  };
  const result = await inThread<QualityResults[J['kind']]>(data);
  return { task: detail.name, version: detail.version.version, result };
}

function inThread<T>(data: QualityThreadData): Promise<T> {
  const worker = new Worker(THREAD_URL, { workerData: data });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (m: { ok: true; result: T } | { ok: false; message: string }) =>
      done(() =>
        m.ok
          ? resolve(m.result)
          : reject(new Error(`${data.job.kind} of ${data.label} failed: ${m.message}`)),
      ),
    );
    worker.once('error', (err) =>
      done(() => reject(new Error(`the ${data.job.kind} thread crashed: ${err.message}`))),
    );
    worker.once('exit', (code) =>
      done(() => reject(new Error(`the ${data.job.kind} thread exited with code ${code}`))),
    );
  });
}
