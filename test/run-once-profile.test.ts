// `ratchet run-once --profile --trace --mock-endpoints --simulate-network-delay` through the built
// CLI: the weather-api sample answered by its own test case's mock, held back 200 ms, shows that
// fetch in its profile and trace; requests no mock matches, bad mock files and bad flag values
// are named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTask, runCli, SAMPLES } from './helpers/cli.ts';

const WEATHER = join(SAMPLES, 'weather-api');
const MOCKS = join(WEATHER, 'tests', 'test-001.json');
const LONDON = '{"location": "London", "apiKey": "test-key"}';
const LONDON_URL = 'https://api.openweathermap.org/data/2.5/weather?q=London&appid=[REDACTED]&units=metric';

interface Profile {
  status: string;
  summary: { loadMs: number; guestMs: number; fetchMs: number; inputValidationMs: number };
  phases: { phase: string; startMs: number; durationMs: number }[];
  fetches: { method: string; url: string; status: number | null; error: string | null; durationMs: number }[];
  memory: { heapStartBytes: number; peakHeapBytes: number; peakTaskBytes: number } | null;
}

test('--profile --trace --json: the mocked fetch, delayed, in the profile and the trace', async () => {
  const r = await runCli([
    'run-once',
    WEATHER,
    '--input-json',
    LONDON,
    '--mock-endpoints',
    MOCKS,
    '--simulate-network-delay',
    '200ms',
    '--profile',
    '--trace',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    status: string;
    output: { temperature: number };
    profile: Profile;
    trace: { at_ms: number; kind: string; summary: string }[];
    unmatchedRequests: string[];
  };
  assert.equal(out.status, 'COMPLETED');
  assert.equal(out.output.temperature, 20.5);
  assert.deepEqual(out.unmatchedRequests, []);
  const p = out.profile;
  assert.equal(p.fetches.length, 1);
  const [f] = p.fetches;
  assert.deepEqual(
    { method: f!.method, url: f!.url, status: f!.status, error: f!.error },
    {
      method: 'GET',
      url: LONDON_URL,
      status: 200,
      error: null,
    },
  );
  assert.ok(f!.durationMs >= 200, `the delayed fetch took ${f!.durationMs} ms`);
  assert.ok(p.summary.fetchMs >= 200);
  assert.deepEqual(
    p.phases.map((x) => x.phase).filter((x) => x !== 'prepare'),
    ['input-validation', 'instance', 'restore', 'load', 'input', 'run', 'output', 'output-validation'],
  );
  assert.ok(p.memory!.peakHeapBytes >= p.memory!.heapStartBytes);
  // The trace is in time order and holds the phases, the console line and the fetch.
  const at = out.trace.map((e) => e.at_ms);
  assert.deepEqual(
    at,
    [...at].sort((a, b) => a - b),
  );
  assert.equal(out.trace[0]!.kind, 'start');
  assert.equal(out.trace.at(-1)!.summary, 'COMPLETED');
  assert.ok(out.trace.some((e) => e.kind === 'log' && e.summary === 'info: GET weather for London'));
  const http = out.trace.find((e) => e.kind === 'http')!;
  assert.match(
    http.summary,
    new RegExp(`^GET ${LONDON_URL.replace(/[?[\]]/g, '\\$&')} → 200 in \\d+(\\.\\d+)? ms$`),
  );
  // The fetch is stamped to the millisecond (docs/quality.md): inside the run phase, within that.
  // Load and input can take well under a millisecond, and a fetch made right after the run
  // started was then shown up to 1 ms before it (seen once in CI).
  const run = out.trace.find((e) => e.summary.startsWith('run: '))!;
  assert.ok(
    http.at_ms > run.at_ms - 1,
    `the fetch (${http.at_ms} ms) happens inside the run phase (${run.at_ms} ms)`,
  );
});

test('--profile and --trace in text go to stderr; stdout keeps the output', async () => {
  const r = await runCli([
    'run-once',
    WEATHER,
    '--input-json',
    LONDON,
    '--mock-endpoints',
    MOCKS,
    '--simulate-network-delay',
    '50',
    '--profile',
    '--trace',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).location, 'London');
  assert.match(r.stderr, /^profile: COMPLETED in [\d.]+ ms$/m);
  assert.match(r.stderr, /^ {2}fetch +[\d.]+ ms \(1 request\)$/m);
  assert.match(
    r.stderr,
    /^fetches:\n.*GET https:\/\/api\.openweathermap\.org\/data\/2\.5\/weather\?q=London.* → 200$/m,
  );
  assert.match(r.stderr, /^memory: peak guest heap [\d.]+ KiB/m);
  assert.match(r.stderr, /^trace:\n +\+0\.000 ms {2}start/m);
  assert.match(r.stderr, /phase {5}load: main\.js evaluated in/);
});

test('a request no mock matches fails naming method and URL, and is listed', async () => {
  const r = await runCli([
    'run-once',
    WEATHER,
    '--input-json',
    '{"location": "Paris", "apiKey": "k"}',
    '--mock-endpoints',
    MOCKS,
    '--json',
  ]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as {
    error: { type: string; message: string };
    unmatchedRequests: string[];
  };
  assert.equal(out.error.type, 'NetworkError');
  assert.match(
    out.error.message,
    /^no mock matches GET https:\/\/api\.openweathermap\.org\/data\/2\.5\/weather\?q=Paris/,
  );
  assert.equal(out.unmatchedRequests.length, 1);
  assert.match(out.unmatchedRequests[0]!, /^no mock matches GET .*q=Paris.* \(compared with: GET .*q=London/);
});

test('bad mock files and flag values are usage errors naming the file, position or flag', async () => {
  const t = await makeTask({
    'trailing-comma.json': '{"mock_http": {"requests": [\n  {"url": "x", }\n]}}',
    'bad-request.json':
      '{\n  "mock_http": {\n    "requests": [{ "method": "FETCH", "url": "https://a.test/" }]\n  }\n}',
    'no-mocks.json': '{ "input": {} }',
  });
  try {
    const cases: [string[], RegExp][] = [
      [
        ['--mock-endpoints', join(t.dir, 'trailing-comma.json')],
        /trailing-comma\.json:2:16: invalid JSON: trailing comma/,
      ],
      [
        ['--mock-endpoints', join(t.dir, 'bad-request.json')],
        /bad-request\.json:3:\d+ at \$\.mock_http\.requests\[0\]\.method: must be one of GET/,
      ],
      [
        ['--mock-endpoints', join(t.dir, 'bad-request.json')],
        /bad-request\.json:3:\d+ at \$\.mock_http\.requests\[0\]\.response: is required/,
      ],
      [['--mock-endpoints', join(t.dir, 'no-mocks.json')], /no-mocks\.json:1:1 at \$: holds no mocks/],
      [['--mock-endpoints', join(t.dir, 'missing.json')], /missing\.json: file not found/],
      [
        ['--mock-endpoints', MOCKS, '--simulate-network-delay', 'soon'],
        /--simulate-network-delay "soon" is not a duration/,
      ],
      [
        ['--simulate-network-delay', '200ms'],
        /--simulate-network-delay delays mocked answers: give --mock-endpoints FILE too/,
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli(['run-once', WEATHER, '--input-json', LONDON, ...flags]);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at .*\.(ts|js):\d+/, 'no stack trace');
    }
  } finally {
    await t.cleanup();
  }
});

test('--profile of a run whose input is rejected: only input validation ran, no memory', async () => {
  const r = await runCli([
    'run-once',
    join(SAMPLES, 'addition'),
    '--input-json',
    '{"num1": "x"}',
    '--profile',
    '--json',
  ]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { error: { type: string }; profile: Profile };
  assert.equal(out.error.type, 'ValidationError');
  assert.deepEqual(
    out.profile.phases.map((p) => p.phase),
    ['input-validation'],
  );
  assert.equal(out.profile.memory, null);
  assert.deepEqual(out.profile.fetches, []);
});
