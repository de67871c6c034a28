// The dashboard (/ui) end to end in real headless Chromium (Debian's chromium, driven by
// playwright-core) against a live `ratchet serve` that requires API keys, with the sample tasks and
// a slow task: sign-in, the run form generated from `addition`'s input schema (output, inline
// validation, the failing line of an error), a job whose state changes without a reload and is
// cancelled, a viewer who is offered no mutating action, and an axe-core check of every page (no
// serious or critical violation) in light and dark; schedules edited (next runs follow), their run
// history and deletion; the workers and audit log pages; a workflow run's DAG coloured by state,
// live. One server and one browser for the whole file. Screenshots of each page go to
// $RATCHET_DASHBOARD_SHOTS (default $TMPDIR/ratchet-dashboard-shots).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli } from '../src/cli/test-helpers/cli-process.ts';
import { startServe, waitReady, type ServeProcess } from '../src/cli/test-helpers/serve-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const SHOTS = process.env.RATCHET_DASHBOARD_SHOTS ?? join(tmpdir(), 'ratchet-dashboard-shots');

let dir: string;
let serve: ServeProcess;
let browser: Browser;
const keys: Record<'admin' | 'viewer', string> = { admin: '', viewer: '' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-dashboard-'));
  mkdirSync(SHOTS, { recursive: true });
  cpSync(join(ROOT, 'sample', 'tasks'), join(dir, 'tasks'), { recursive: true });
  cpSync(join(ROOT, 'test', 'fixtures', 'dashboard-tasks'), join(dir, 'tasks'), { recursive: true });
  // The steps click through pages faster than a person and poll meanwhile: the default rate limit
  // (100 requests per 10 s per address) would refuse some of them, which is not what is tested here.
  writeFileSync(
    join(dir, 'ratchet.yaml'),
    'server:\n  auth:\n    required: true\n  rate_limit:\n    requests_per_minute: 60000\n    burst_size: 10000\n',
  );
  for (const role of ['admin', 'viewer'] as const) {
    const made = await runCli(
      ['apikey', 'create', '--name', `${role}-key`, '--role', role, '--config', 'ratchet.yaml'],
      {
        cwd: dir,
      },
    );
    assert.equal(made.code, 0, made.stderr);
    keys[role] = made.stdout.trim();
  }
  serve = await startServe(['--config', 'ratchet.yaml', '--tasks', 'tasks'], dir);
  await waitReady(serve.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exit;
  rmSync(dir, { recursive: true, force: true });
});

/** No serious or critical axe-core violation on the page as it is now. */
async function assertAccessible(page: Page, what: string): Promise<void> {
  // evaluate() runs outside the page's CSP, which would refuse an injected inline script.
  await page.evaluate(AXE);
  // A string expression: it runs in the page, where `axe` and `document` exist.
  const violations = await page.evaluate<string[]>(`axe.run(document).then((r) =>
    r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + JSON.stringify(v.nodes.map((n) => n.target)))
  )`);
  assert.deepEqual(violations, [], `${what}: accessibility violations`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The page as it is now, in light then dark: accessible in both, a screenshot of each. */
async function checkBothSchemes(page: Page, name: string): Promise<void> {
  await assertAccessible(page, name);
  await shot(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await assertAccessible(page, `${name}, dark`);
  await shot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

async function api(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${serve.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${path}: HTTP ${res.status}`);
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

void test('a browser at / is sent to the sign-in screen; API clients still get JSON at /', async () => {
  const json = await fetch(`${serve.url}/`);
  assert.equal(json.status, 200);
  assert.equal(((await json.json()) as { dashboard: string }).dashboard, '/ui/');
  const page = await browser.newPage();
  await page.goto(`${serve.url}/`);
  assert.equal(new URL(page.url()).pathname, '/ui/');
  await page.getByRole('heading', { name: 'Sign in to Ratchet' }).waitFor();
  await assertAccessible(page, 'sign-in');
  await shot(page, 'sign-in');
  await page.getByLabel('API key').fill('rk_abcdefgh_not-a-real-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /API key rk_abcdefgh_… is not/ })
    .waitFor();
  await page.close();
});

void test('admin: overview, tasks search, run addition from its form, inline validation, failing line', async () => {
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  await page.getByRole('heading', { name: 'Job queue' }).waitFor();
  assert.match(await page.getByRole('banner').innerText(), /admin-key · admin/);
  // The charts (their own chunk): drawn, each with a text alternative.
  await page.locator('.chart canvas').nth(1).waitFor();
  await page.getByRole('img', { name: /^Jobs per second: / }).waitFor();
  await page.getByRole('img', { name: /^Success rate: / }).waitFor();
  await assertAccessible(page, 'overview');
  await shot(page, 'overview');

  await page.getByRole('link', { name: 'Tasks' }).click();
  await page.getByLabel('Search by name').fill('add');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'addition' }).waitFor();
  // The search filters: the other sample tasks leave the list.
  await page.getByRole('link', { name: 'data-filter' }).waitFor({ state: 'detached' });
  await assertAccessible(page, 'tasks');
  await shot(page, 'tasks');

  await page.getByRole('link', { name: 'addition' }).click();
  await page.getByRole('heading', { name: 'Run' }).waitFor();
  await page.getByLabel('num1').fill('2');
  await page.getByRole('button', { name: 'Run task' }).click();
  // num2 is required by the input schema: the form says so beside the field and runs nothing.
  await page.getByText("must have required property 'num2'").waitFor();
  assert.equal(await page.getByRole('heading', { name: /Result of execution/ }).count(), 0);
  await assertAccessible(page, 'task page with a validation error');
  await page.getByLabel('num2').fill('3');
  await page.getByRole('button', { name: 'Run task' }).click();
  const output = page.getByLabel('Output', { exact: true });
  await output.waitFor();
  assert.deepEqual(JSON.parse(await output.innerText()), { sum: 5, product: 6 });
  await page.getByText('COMPLETED').first().waitFor();
  await assertAccessible(page, 'task page with a result');
  await shot(page, 'task-addition');

  await page.goto(`${serve.url}/ui/#/tasks/slow`);
  await page.getByLabel('seconds').fill('100');
  await page.getByRole('button', { name: 'Run task' }).click();
  await page.getByText('must be <= 60').waitFor();
  await page.getByLabel('seconds').fill('0');
  await page.getByLabel('fail').check();
  await page.getByRole('button', { name: 'Run task' }).click();
  await page.getByText('main.js, line 7, column 20').waitFor();
  assert.match(await page.locator('.failing-line pre').innerText(), /throw new Error\('asked to fail'\)/);
  await shot(page, 'task-slow-failed');
  await page.close();
});

void test('a slow job appears and changes state without a reload, and is cancelled from its page', async () => {
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  const slow = await api('/tasks/slow');
  await page.goto(`${serve.url}/ui/#/jobs?taskId=${String(slow.id)}`);
  await page.getByText('No job matches.').waitFor();
  // A marker on the window: it would be gone after any reload.
  await page.evaluate(() => ((globalThis as { marker?: number }).marker = 1));
  const job = await api('/jobs', { taskId: 'slow', input: { seconds: 60 } });
  const row = page.getByRole('row').filter({ hasText: `#${String(job.id)}` });
  await row.getByText('PROCESSING').waitFor();
  await assertAccessible(page, 'jobs');
  await shot(page, 'jobs');
  await row.getByRole('link', { name: `#${String(job.id)}` }).click();
  await page.getByRole('heading', { name: `Job #${String(job.id)} PROCESSING` }).waitFor();
  await assertAccessible(page, 'job');
  await page.getByRole('button', { name: 'Cancel job' }).click();
  await page.getByRole('heading', { name: `Job #${String(job.id)} CANCELLED` }).waitFor();
  assert.equal(
    await page.evaluate(() => (globalThis as { marker?: number }).marker),
    1,
    'no reload happened',
  );
  await page.getByRole('row').filter({ hasText: 'CANCELLED' }).getByRole('link').first().waitFor();
  await shot(page, 'job');

  await page.getByRole('row').filter({ hasText: 'CANCELLED' }).getByRole('link').first().click();
  await page.getByRole('heading', { name: /Execution #\d+ CANCELLED/ }).waitFor();
  await page.getByText('CancelledError').waitFor();
  await assertAccessible(page, 'execution');
  await shot(page, 'execution');
  await page.getByRole('link', { name: 'Executions' }).click();
  await page.getByRole('columnheader', { name: /Duration/ }).waitFor();
  await assertAccessible(page, 'executions');
  await shot(page, 'executions');
  await page.close();
});

void test('schedules: create one with its reading and next runs, disable it, trigger it', async () => {
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  await page.getByRole('link', { name: 'Schedules' }).click();
  await page.getByText('No schedule yet.').waitFor();
  await page.getByLabel('Task').selectOption({ label: 'addition' });
  await page.getByLabel('Name').fill('every-five');
  await page.getByLabel('Cron expression').fill('not cron');
  await page.getByText(/Not a valid cron expression/).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Create schedule' }).isDisabled());
  await page.getByLabel('Cron expression').fill('*/5 * * * *');
  await page.getByText('Every 5 minutes').waitFor();
  assert.equal(await page.locator('.cron-preview li').count(), 5, 'the next five runs');
  await page.getByLabel('Input (JSON)').fill('{"num1": 1, "num2": 2}');
  await assertAccessible(page, 'schedules form');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  const row = page.getByRole('row').filter({ hasText: 'every-five' });
  await row.getByText('enabled').waitFor();
  await row.getByRole('button', { name: 'Disable every-five' }).click();
  await row.getByText('disabled').waitFor();
  await row.getByRole('button', { name: 'Trigger every-five now' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /every-five: queued job #\d+\./ })
    .waitFor();
  await assertAccessible(page, 'schedules');
  await shot(page, 'schedules');

  // The schedule's page: its run history holds the job the trigger queued.
  await row.getByRole('link', { name: 'every-five' }).click();
  await page.getByRole('heading', { name: /^Schedule every-five/ }).waitFor();
  const history = page.getByRole('region', { name: 'Run history' });
  await history.getByRole('link', { name: /^#\d+$/ }).waitFor();
  // Edit: the form reads the new expression and its next five runs change with it.
  const form = page.getByRole('form', { name: 'Edit schedule' });
  const nextRuns = () =>
    form.locator('.cron-preview time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
  const before = await nextRuns();
  assert.equal(before.length, 5);
  await form.getByLabel('Cron expression').fill('30 9 * * 1');
  await form.getByText('At 09:30, only on Monday').waitFor();
  const after = await nextRuns();
  assert.equal(after.length, 5);
  assert.notDeepEqual(after, before);
  for (const iso of after) {
    const d = new Date(iso);
    assert.deepEqual([d.getUTCDay(), d.getUTCHours(), d.getUTCMinutes()], [1, 9, 30], iso);
  }
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved every-five.' }).waitFor();
  // The saved schedule reads the same outside the form, and the server took the new cadence.
  await page.locator('#sched-reading').getByText('At 09:30, only on Monday').waitFor();
  const saved = await api('/schedules/every-five');
  assert.equal(saved.cronExpression, '30 9 * * 1');
  await checkBothSchemes(page, 'schedule');
  // Delete asks first, then goes back to the list.
  await page.getByRole('button', { name: 'Delete schedule' }).click();
  // Keyboard users land on the safe answer.
  assert.equal(await page.evaluate<string>('document.activeElement.textContent'), 'Keep it');
  await page.getByRole('button', { name: 'Delete every-five' }).click();
  await page.getByText('No schedule yet.').waitFor();
  await page.close();
});

void test('workers and audit log pages (admin)', async () => {
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workers' }).click();
  await page.getByRole('heading', { name: 'Workers' }).waitFor();
  await page.getByRole('row').filter({ hasText: 'ONLINE' }).first().waitFor();
  assert.match(await page.locator('main').innerText(), /\d+ online · \d+ of \d+ executor slots busy/);
  await checkBothSchemes(page, 'workers');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  // The earlier tests' mutations: the schedule deleted a moment ago, by the admin key.
  await page
    .getByRole('row')
    .filter({ hasText: 'DELETE /api/v1/schedules/:id' })
    .filter({ hasText: 'admin-key' })
    .first()
    .waitFor();
  // A refused request is logged too, and the outcome filter finds it.
  const refused = await fetch(`${serve.url}/api/v1/schedules/1/trigger`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.viewer}`, 'x-requested-with': 'test' },
  });
  assert.equal(refused.status, 403);
  await page.getByLabel('Outcome').selectOption('4xx');
  await page
    .getByRole('row')
    .filter({ hasText: 'viewer-key' })
    .filter({ hasText: '4xx FORBIDDEN' })
    .waitFor();
  assert.equal(await page.getByRole('cell', { name: /^2xx$/ }).count(), 0, 'only refusals listed');
  await checkBothSchemes(page, 'audit');
  await page.close();
});

void test('workflows: the list, a workflow and its DAG, a run started from the page, coloured by state, live', async () => {
  await api('/workflows', {
    definition: {
      name: 'dash-flow',
      version: '1.0.0',
      description: 'Adds, works a while, adds again',
      steps: [
        { name: 'first', task: 'addition', input: { num1: 'workflow.a', num2: 1 } },
        { name: 'work', task: 'slow', dependencies: ['first'], input: { seconds: 'workflow.seconds' } },
        { name: 'side', task: 'addition', dependencies: ['first'], input: { num1: 2, num2: 2 } },
        { name: 'last', task: 'addition', dependencies: ['work', 'side'], input: { num1: 1, num2: 1 } },
      ],
    },
  });
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  await page.getByRole('link', { name: 'Workflows' }).click();
  await page.getByRole('link', { name: 'dash-flow' }).click();
  await page.getByRole('heading', { name: /^Workflow dash-flow/ }).waitFor();
  assert.equal(await page.locator('.dag-step').count(), 4);
  assert.equal(await page.locator('.dag-edge').count(), 4, 'one edge per dependency');
  await checkBothSchemes(page, 'workflow');
  await page.getByLabel('Input (JSON)').fill('{"a": 1, "seconds": 30}');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.getByRole('heading', { name: /^Run #\d+ of dash-flow/ }).waitFor();
  // A marker on the window: it would be gone after any reload.
  await page.evaluate(() => ((globalThis as { marker?: number }).marker = 1));
  const state = (step: string) => page.locator(`.dag-step[data-step="${step}"]`);
  await state('first').and(page.locator('[data-state="COMPLETED"]')).waitFor();
  // A step's state while its job works is ENQUEUED (RUNNING once its executor reports).
  await state('work').and(page.locator('[data-state="ENQUEUED"], [data-state="RUNNING"]')).waitFor();
  await state('last').and(page.locator('[data-state="PENDING"]')).waitFor();
  // Coloured by state: the completed, working and pending steps' borders differ.
  const stroke = (step: string) =>
    page.evaluate<string>(
      `getComputedStyle(document.querySelector('.dag-step[data-step="${step}"] rect')).stroke`,
    );
  assert.notEqual(await stroke('first'), await stroke('work'));
  assert.notEqual(await stroke('work'), await stroke('last'));
  // A step that ran is a link to its job, reachable from the keyboard.
  await state('first')
    .getByRole('link', { name: /first.*COMPLETED/ })
    .focus();
  await checkBothSchemes(page, 'workflow-run');
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await page.getByRole('heading', { name: /^Run #\d+ of dash-flow CANCELLED/ }).waitFor();
  await state('work').and(page.locator('[data-state="CANCELLED"]')).waitFor();
  assert.equal(await page.evaluate(() => (globalThis as { marker?: number }).marker), 1, 'no reload');
  // At phone width the drawing scrolls inside its own box, not the page.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (overflow ${overflow}px)`);
  await shot(page, 'workflow-run-phone');
  await page.close();
});

void test('API keys (admin): create a key, see it once, revoke it', async () => {
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('cell', { name: 'viewer-key', exact: true }).waitFor();
  await page.getByLabel('Name').fill('from-the-ui');
  await page.getByLabel('Role').selectOption('operator');
  await page.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByLabel('The new key', { exact: true });
  await shown.waitFor();
  const secret = (await shown.innerText()).trim();
  assert.match(secret, /^rk_[a-z0-9]{8}_\S+$/);
  const who = await fetch(`${serve.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${secret}` } });
  assert.deepEqual(((await who.json()) as { data: unknown }).data, {
    authRequired: true,
    principal: { kind: 'key', name: 'from-the-ui', role: 'operator' },
  });
  const row = page.getByRole('row').filter({ hasText: 'from-the-ui' });
  await row.getByText('active').waitFor();
  await assertAccessible(page, 'API keys');
  await shot(page, 'api-keys');
  await row.getByRole('button', { name: 'Revoke from-the-ui' }).click();
  await row.getByText(/^revoked/).waitFor();
  const refused = await fetch(`${serve.url}/api/v1/whoami`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  assert.equal(refused.status, 401);
  await page.close();
});

void test('edit main.js in the editor, save a new version, run the tests and see the failing diff', async () => {
  await api('/tasks', {
    name: 'editable',
    code: '(function (input) {\n  return { doubled: input.n * 2 };\n})\n',
    inputSchema: { type: 'object', properties: { n: { type: 'number' } } },
    tests: [{ name: 'doubles', content: { input: { n: 2 }, expected_output: { doubled: 4 } } }],
  });
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  await page.goto(`${serve.url}/ui/#/tasks/editable`);
  await page.getByRole('button', { name: 'Run tests' }).click();
  await page.getByRole('status').filter({ hasText: '1.0.0: 1 passed, 0 failed' }).waitFor();

  await page.getByRole('button', { name: 'Edit code and schemas' }).click();
  const editor = page.getByRole('textbox', { name: 'main.js' });
  await editor.waitFor();
  assert.ok((await page.locator('.cm-editor .cm-line').count()) >= 3, 'CodeMirror shows the code');
  // Broken code is refused with the server's line:column, and nothing is saved.
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('(');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('alert').filter({ hasText: /code/ }).waitFor();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Backspace');
  await page.getByRole('textbox', { name: 'Input schema (JSON)' }).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(',');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByText(/The input schema is not valid JSON/).waitFor();
  await page.getByRole('textbox', { name: 'Input schema (JSON)' }).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Backspace');
  await assertAccessible(page, 'task editor');
  await shot(page, 'task-editor');
  await editor.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type(' + 1');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved version 1.0.1.' }).waitFor();
  await page.getByRole('cell', { name: '1.0.1', exact: true }).waitFor();
  assert.equal(
    await page
      .locator('tbody tr')
      .filter({ hasText: /^1\.0\.\d/ })
      .count(),
    2,
    'two versions',
  );
  assert.match(await page.getByLabel(/^main\.js of editable 1\.0\.1/).innerText(), /input\.n \* 2 \+ 1/);

  await page.getByRole('button', { name: 'Run tests' }).click();
  await page.getByRole('status').filter({ hasText: '1.0.1: 0 passed, 1 failed' }).waitFor();
  const diff = await page.getByLabel('Difference (- expected, + actual)').innerText();
  assert.match(diff, /- \$\.doubled: 4/);
  assert.match(diff, /\+ \$\.doubled: 5/);
  await assertAccessible(page, 'task tests with a failure');
  await shot(page, 'task-tests');
  await page.close();
});

void test('a viewer is offered no mutating action', async () => {
  const page = await browser.newPage();
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.viewer);
  assert.match(await page.getByRole('banner').innerText(), /viewer-key · viewer/);
  assert.equal(
    await page.getByRole('link', { name: 'API keys' }).count(),
    0,
    'no API keys page for a viewer',
  );
  await page.goto(`${serve.url}/ui/#/tasks/addition`);
  await page.getByRole('heading', { name: 'Code' }).waitFor();
  await page.goto(`${serve.url}/ui/#/jobs`);
  await page
    .getByRole('link', { name: /^#\d+$/ })
    .first()
    .click();
  await page.getByRole('heading', { name: /Job #\d+/ }).waitFor();
  await page.goto(`${serve.url}/ui/#/executions`);
  await page
    .getByRole('link', { name: /^#\d+$/ })
    .first()
    .click();
  await page.getByRole('heading', { name: /Execution #\d+/ }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'no audit log for a viewer');
  for (const path of [
    'tasks/addition',
    'tasks/slow',
    'jobs',
    'executions',
    'schedules',
    'workflows/dash-flow',
    'workers',
    '',
  ]) {
    await page.goto(`${serve.url}/ui/#/${path}`);
    await page.locator('main h1').waitFor();
    const buttons = await page.locator('main button').allInnerTexts();
    assert.deepEqual(
      buttons.filter((b) =>
        /^(Run|Cancel|Retry|Save|Delete|Trigger|Enable|Disable|Create|Edit|Start)\b/.test(b),
      ),
      [],
      `#/${path} offers only reading`,
    );
  }
  await page.close();
});

void test('phone width and dark mode: the overview stays usable and accessible', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  await page.goto(`${serve.url}/ui/`);
  await signIn(page, keys.admin);
  await page.getByRole('heading', { name: 'Job queue' }).waitFor();
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (overflow ${overflow}px)`);
  await assertAccessible(page, 'overview, dark, phone');
  await shot(page, 'overview-dark-phone');
  await page.goto(`${serve.url}/ui/#/tasks/addition`);
  await page.getByRole('heading', { name: 'Run' }).waitFor();
  await assertAccessible(page, 'task page, dark, phone');
  await shot(page, 'task-dark-phone');
  await page.close();
});
