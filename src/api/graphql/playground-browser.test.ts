// The playground in real headless Chromium (Debian's chromium, driven by playwright-core): a
// subscription typed into GraphiQL runs over graphql-ws with the header editor's API key in
// connection_init. A refused key shows UNAUTHENTICATED; a viewer's key shows jobs as they change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { createKey } from '../../services/api-keys.ts';
import { gql, withApi } from './test-helpers.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const SUBSCRIPTION = 'subscription Watch { jobUpdated { job { status task { name } } } }';

// String expressions run in the page, where `document` exists (and outside its CSP).
const EDITORS = `[...document.querySelectorAll('.CodeMirror')].map((el) => el.CodeMirror)`;

/** Replaces the text of the CodeMirror editor (GraphiQL 3 keeps the instance on its element) holding `matching`. */
async function setEditor(page: Page, matching: string, text: string): Promise<void> {
  const found = await page.evaluate<boolean>(`(() => {
    const editor = ${EDITORS}.find((e) => e.getValue().includes(${JSON.stringify(matching)}));
    if (editor) editor.setValue(${JSON.stringify(text)});
    return Boolean(editor);
  })()`);
  assert.ok(found, `an editor holds ${matching}`);
}

/** What the response panel shows (its CodeMirror's text: the DOM holds only the visible lines). */
const responseText = (page: Page): Promise<string> =>
  page.evaluate<string>(
    `document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? ''`,
  );

async function waitForResponse(
  page: Page,
  pattern: RegExp,
  trigger?: () => Promise<unknown>,
): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = await responseText(page);
    if (pattern.test(text)) return text;
    await trigger?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the response panel never matched ${pattern}: ${await responseText(page)}`);
}

void test('playground: a subscription runs over graphql-ws with the header editor’s key', () =>
  withApi('sqlite', async (api) => {
    const viewer = (await createKey(api.app.store.db, { name: 'viewer-key', role: 'viewer' })).key;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${api.base}/playground`);
      await page.waitForSelector('.graphiql-execute-button');
      await setEditor(page, 'List all tasks', SUBSCRIPTION);
      await setEditor(page, 'X-API-Key', JSON.stringify({ 'X-API-Key': 'rk_abcdefgh_nope' }));
      await page.click('.graphiql-execute-button');
      await waitForResponse(page, /UNAUTHENTICATED/);

      await setEditor(page, 'X-API-Key', JSON.stringify({ 'X-API-Key': viewer }));
      await page.click('.graphiql-execute-button');
      // Jobs due in an hour, queued until the subscription is live and shows one.
      const text = await waitForResponse(page, /"status": "QUEUED"/, () =>
        gql(
          api,
          'mutation { createJob(input: { taskId: "addition", input: { num1: 1, num2: 2 }, delayMs: 3600000 }) { id } }',
        ),
      );
      assert.match(text, /"jobUpdated"[\s\S]*"name": "addition"/);
    } finally {
      await browser.close();
    }
  }));
