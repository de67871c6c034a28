// The fixture of the output-contract test (output-contract.test.ts): one task, `probe`, that
// succeeds or fails in each way a run can fail, a local HTTP server it fetches for the HTTP error,
// and one recorded execution (and job) of every kind, so each tool can be asked about each.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ratchet } from '../../app.ts';
import { listExecutionPage } from '../../services/executions.ts';
import { waitForJob } from '../../services/jobs/index.ts';
import { createJob } from '../../services/jobs/index.ts';
import { savePackage } from '../../tasks/stored-versions.ts';
import { loadTaskFromFiles } from '../../tasks/load.ts';

export const FAILURE_KINDS = [
  'input_violation',
  'output_violation',
  'thrown_error',
  'timeout',
  'http_error',
] as const;
export type Kind = 'success' | (typeof FAILURE_KINDS)[number];
export const KINDS: readonly Kind[] = ['success', ...FAILURE_KINDS];

/** What each tool is asked per kind; filled in as the test runs the kinds. */
export interface Fixture {
  /** An input that makes `probe` end that way. */
  input: Record<Kind, Record<string, unknown>>;
  /** A recorded execution of each kind, and the job it ran in (when it came from a job). */
  execution: Record<Kind, number>;
  job: Record<Kind, number>;
}

const PROBE_CODE = `(function (input) {
  if (input.mode === 'ok') return { value: 1 };
  if (input.mode === 'bad_output') return { value: 'not a number' };
  if (input.mode === 'throw') { const user = input.user; return { value: user.name }; }
  if (input.mode === 'spin') { for (;;) {} }
  if (input.mode === 'http') {
    const response = fetch(input.url);
    if (!response.ok) throw new HttpError(response.status, input.url + ' answered ' + response.status);
    return { value: 2 };
  }
  throw new DataError('unknown mode ' + input.mode);
})
`;

const PROBE_IN = {
  type: 'object',
  required: ['mode'],
  properties: { mode: { type: 'string' }, url: { type: 'string' } },
  additionalProperties: false,
};
const PROBE_OUT = {
  type: 'object',
  required: ['value'],
  properties: { value: { type: 'number' } },
  additionalProperties: false,
};

export function inputsFor(notFoundUrl: string): Fixture['input'] {
  return {
    success: { mode: 'ok' },
    input_violation: { mode: 7, extra: true },
    output_violation: { mode: 'bad_output' },
    thrown_error: { mode: 'throw' },
    timeout: { mode: 'spin' },
    http_error: { mode: 'http', url: notFoundUrl },
  };
}

function testFile(name: string, input: unknown): string {
  return JSON.stringify({ name, input, expected_output: { value: 1 } });
}

/**
 * Saves `probe` (a 1 s time limit, one test case per kind) and `drifting`. A job for `drifting` is
 * queued before a stricter version is saved, so when workers start it fails its input check at run
 * time: the one way a recorded execution has an input violation.
 */
export async function saveProbeTasks(app: Ratchet, inputs: Fixture['input']): Promise<number> {
  const files: Record<string, string> = {
    'metadata.json': JSON.stringify({ name: 'probe', version: '1.0.0', timeout: 1000 }),
    'main.js': PROBE_CODE,
    'input.schema.json': JSON.stringify(PROBE_IN),
    'output.schema.json': JSON.stringify(PROBE_OUT),
  };
  KINDS.forEach((k, i) => (files[`tests/test-00${i + 1}.json`] = testFile(k, inputs[k])));
  await savePackage(app.store.db, loadTaskFromFiles(files, { kind: 'store' }), { changeSource: 'cli' });
  const drifting = (version: string, schema: unknown) =>
    savePackage(
      app.store.db,
      loadTaskFromFiles(
        {
          'metadata.json': JSON.stringify({ name: 'drifting', version }),
          'main.js': '(function (input) { return { value: 1 }; })\n',
          'input.schema.json': JSON.stringify(schema),
        },
        { kind: 'store' },
      ),
      { changeSource: 'cli' },
    );
  await drifting('1.0.0', { type: 'object' });
  const { job } = await createJob(app, { taskId: 'drifting', input: { n: 'seven' }, maxRetries: 0 });
  await drifting('2.0.0', {
    type: 'object',
    required: ['n'],
    properties: { n: { type: 'number' } },
    additionalProperties: false,
  });
  return job.id;
}

/** The input-violation job, once workers run it: its execution. */
export async function driftedExecution(app: Ratchet, jobId: number): Promise<number> {
  const job = await waitForJob(app, jobId);
  if (job.status !== 'FAILED') throw new Error(`drifting job ended ${job.status}, expected FAILED`);
  const { rows } = await listExecutionPage(app, { filters: [{ field: 'jobId', op: 'eq', value: jobId }] });
  return rows[0]!.id;
}

/** A server on 127.0.0.1 that answers 404 to everything: the HTTP error a task meets. */
export async function notFoundServer(): Promise<{ url: string; hostPort: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'no such thing' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/things/42`,
    hostPort: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
