// The HTTP samples (weather-api, paginated-api) validate and pass `ratchet test` offline: every
// request their tests make is answered by mock_http.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, SAMPLES } from './helpers/cli.ts';

interface CaseReport {
  name: string;
  status: string;
}

for (const [sample, cases] of [
  [
    'weather-api',
    [
      'London in metric units',
      'an unknown city (404) becomes HttpError',
      'a malformed body becomes DataError',
    ],
  ],
  ['paginated-api', ['collects every page until next_page is null', 'maxPages stops the walk early']],
] as const) {
  test(`${sample}: validate is clean and every mocked test passes`, async () => {
    const dir = join(SAMPLES, sample);
    const v = await runCli(['validate', dir]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /0 errors, 0 warnings/);
    const r = await runCli(['test', dir, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { tasks: { cases: CaseReport[] }[] };
    const results = report.tasks[0]!.cases;
    for (const name of cases) {
      const c = results.find((x) => x.name === name);
      assert.ok(c, `${sample}: no case "${name}" in ${results.map((x) => x.name).join(', ')}`);
      assert.equal(c.status, 'passed', `${sample}: ${name}`);
    }
    assert.ok(results.every((c) => c.status === 'passed'));
  });
}
