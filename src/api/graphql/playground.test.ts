// The playground at /playground and /graphiql: the page loads, every script and stylesheet it
// references is served by this server (no CDN), and the start-up script preloads the brief's examples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withApi } from './test-helpers.ts';

void test('GraphiQL playground: page and every asset it references come from the server', () =>
  withApi('sqlite', async (api) => {
    for (const path of ['/playground', '/graphiql']) {
      const res = await fetch(`${api.base}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type')!, /^text\/html/);
      const html = await res.text();
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(refs.length >= 5, `scripts and stylesheet referenced: ${refs.join(', ')}`);
      for (const ref of refs) {
        assert.ok(ref.startsWith('/'), `${ref} is served from this origin, not a CDN`);
        const asset = await fetch(`${api.base}${ref}`);
        assert.equal(asset.status, 200, ref);
        const type = asset.headers.get('content-type')!;
        assert.match(type, ref.endsWith('.css') ? /^text\/css/ : /^text\/javascript/, ref);
        const body = await asset.text();
        assert.ok(body.length > 100, `${ref} has content`);
        assert.doesNotMatch(body, /unpkg\.com|cdn\.jsdelivr/, `${ref} loads nothing from a CDN`);
      }
    }
    const start = await (await fetch(`${api.base}/playground/assets/playground.js`)).text();
    assert.match(start, /tasks \{\\n {4}items \{\\n {6}uuid\\n {6}label\\n {6}version\\n {6}description/);
    assert.match(start, /executeTaskDirect/);
    assert.match(start, /jobs\(status: PENDING\)/);
    assert.match(start, /X-API-Key/);
    const missing = await fetch(`${api.base}/playground/assets/..%2Fpackage.json`);
    assert.equal(missing.status, 404);
  }));
