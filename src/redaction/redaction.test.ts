import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpExchange } from '../http/types.ts';
import {
  DEFAULT_REDACTION_RULES as RULES,
  REDACTED,
  Scrubber,
  WRITE_ONLY_MASK,
  maskWriteOnly,
  redactBody,
  redactExchanges,
  redactHeaders,
  redactRunRecord,
  redactUrl,
  redactedUrlMatches,
  runScrubber,
} from './index.ts';

void describe('redactHeaders', () => {
  void it('redacts the built-in headers in any case, names ending in token/secret, and configured ones', () => {
    const s = new Scrubber();
    const out = redactHeaders(
      {
        Authorization: 'Bearer tok-123456',
        'proxy-authorization': 'Basic dXNlcjpwYXNzd29yZA==',
        Cookie: 'sid=abcdef; theme=dark',
        'Set-Cookie':
          'session=zzzz9999; Path=/; HttpOnly, pref=yyyy8888; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
        'X-API-KEY': 'key-7777',
        'X-Auth-Token': 'auth-8888',
        'X-Custom-Thing': 'custom-9999',
        Accept: 'application/json',
      },
      { headers: ['x-custom-thing'], queryParams: [] },
      s,
    );
    assert.deepEqual(out, {
      Authorization: REDACTED,
      'proxy-authorization': REDACTED,
      Cookie: `sid=${REDACTED}; theme=${REDACTED}`,
      'Set-Cookie': `session=${REDACTED}; Path=/; HttpOnly, pref=${REDACTED}; Expires=Wed, 21 Oct 2026 07:28:00 GMT`,
      'X-API-KEY': REDACTED,
      'X-Auth-Token': REDACTED,
      'X-Custom-Thing': REDACTED,
      Accept: 'application/json',
    });
    // The credential parts are remembered, so copies elsewhere are scrubbed too.
    assert.equal(
      s.scrub('tok-123456 password abcdef zzzz9999 yyyy8888 key-7777 custom-9999 dark plain'),
      `${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} plain`,
    );
  });
});

void describe('redactUrl', () => {
  void it('redacts key and token parameters in every spelling, keeping the rest byte for byte', () => {
    const s = new Scrubber();
    const url =
      'https://api.example.com/v1/x?q=London%20Town&api_key=k1k1k1&API-Key=k2k2&apikey=k3k3&key=k4k4&token=t1t1&access_token=t2t2&client_secret=s1s1&password=p1p1&X-Amz-Signature=sig1&appid=a1a1&units=metric#frag';
    assert.equal(
      redactUrl(url, RULES, s),
      `https://api.example.com/v1/x?q=London%20Town&api_key=${REDACTED}&API-Key=${REDACTED}&apikey=${REDACTED}&key=${REDACTED}&token=${REDACTED}&access_token=${REDACTED}&client_secret=${REDACTED}&password=${REDACTED}&X-Amz-Signature=${REDACTED}&appid=${REDACTED}&units=metric#frag`,
    );
    assert.equal(s.scrub('saw k1k1k1 and t2t2'), `saw ${REDACTED} and ${REDACTED}`);
  });

  void it('redacts configured parameter names and the password of user:password@ URLs', () => {
    const s = new Scrubber();
    const rules = { headers: [], queryParams: ['session_ref'] };
    assert.equal(
      redactUrl('http://bob:hunter22@h.example/p?session_ref=abcd1&page=2', rules, s),
      `http://bob:${REDACTED}@h.example/p?session_ref=${REDACTED}&page=2`,
    );
    assert.equal(s.scrub('hunter22'), REDACTED);
    assert.equal(redactUrl('http://h.example/p?page=2&q=', RULES, s), 'http://h.example/p?page=2&q=');
  });
});

void describe('maskWriteOnly', () => {
  const schema = {
    type: 'object',
    properties: {
      user: { type: 'string' },
      apiKey: { type: 'string', writeOnly: true },
      pin: { type: 'integer', writeOnly: true },
      login: { $ref: '#/definitions/login' },
      accounts: { type: 'array', items: { type: 'object', properties: { token: { format: 'password' } } } },
      extra: { allOf: [{ properties: { secret: { writeOnly: true } } }] },
    },
    additionalProperties: { type: 'object', properties: { pass: { writeOnly: true } } },
    definitions: {
      login: { type: 'object', properties: { password: { type: 'string', format: 'password' } } },
    },
  };

  void it('masks writeOnly and format password fields wherever the schema puts them', () => {
    const input = {
      user: 'ann',
      apiKey: 'key-123',
      pin: 4242,
      login: { name: 'ann', password: 'pw-secret' },
      accounts: [{ token: 'tok-a', id: 1 }, { id: 2 }],
      extra: { secret: 's-1', open: 'o' },
      other: { pass: 'p-2', more: 1 },
    };
    const r = maskWriteOnly(schema, input);
    assert.equal(r.changed, true);
    assert.deepEqual(r.masked, {
      user: 'ann',
      apiKey: WRITE_ONLY_MASK,
      pin: WRITE_ONLY_MASK,
      login: { name: 'ann', password: WRITE_ONLY_MASK },
      accounts: [{ token: WRITE_ONLY_MASK, id: 1 }, { id: 2 }],
      extra: { secret: WRITE_ONLY_MASK, open: 'o' },
      other: { pass: WRITE_ONLY_MASK, more: 1 },
    });
    assert.deepEqual(r.secrets.sort(), ['4242', 'key-123', 'p-2', 'pw-secret', 's-1', 'tok-a']);
    assert.equal(input.apiKey, 'key-123', 'the caller keeps the real input');
  });

  void it('is a no-op for schemas that mark nothing and knows an input that already holds the mask', () => {
    const plain = { type: 'object', properties: { a: { type: 'string' } } };
    const input = { a: 'x' };
    assert.equal(maskWriteOnly(plain, input).masked, input);
    assert.equal(maskWriteOnly(schema, { user: 'u' }).changed, false);
    const stored = maskWriteOnly(schema, { apiKey: WRITE_ONLY_MASK });
    assert.equal(stored.changed, false);
    assert.equal(stored.holdsMask, true);
    const nested = maskWriteOnly(schema, {
      login: { password: WRITE_ONLY_MASK },
      accounts: [{ id: 1 }, { token: WRITE_ONLY_MASK }],
    });
    assert.deepEqual(nested.maskedPaths, ['$.login.password', '$.accounts[1].token']);
  });

  void it('ends on recursive references', () => {
    const tree = {
      $ref: '#/definitions/node',
      definitions: {
        node: {
          type: 'object',
          properties: {
            key: { writeOnly: true },
            children: { type: 'array', items: { $ref: '#/definitions/node' } },
          },
        },
      },
    };
    const r = maskWriteOnly(tree, { key: 'a1', children: [{ key: 'b2', children: [] }] });
    assert.deepEqual(r.masked, {
      key: WRITE_ONLY_MASK,
      children: [{ key: WRITE_ONLY_MASK, children: [] }],
    });
  });
});

function exchange(over: Partial<HttpExchange> = {}): HttpExchange {
  return {
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:1/x?api_key=qkey-1234&page=1',
      headers: { Authorization: 'Bearer bearer-5678', 'Content-Type': 'application/json' },
      body: '{"echo":"bearer-5678","k":"qkey-1234"}',
    },
    response: {
      status: 200,
      statusText: 'OK',
      headers: { 'set-cookie': 'sid=cookie-999; Path=/', 'content-type': 'text/plain' },
      body: 'you sent qkey-1234 and cookie-999',
      bodyEncoding: 'utf8',
      mimeType: 'text/plain',
      url: 'http://127.0.0.1:1/x?api_key=qkey-1234&page=1',
    },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    ...over,
  };
}

void describe('redactExchanges and redactRunRecord', () => {
  void it('redacts headers and URLs and scrubs the secrets they held from every body and error', () => {
    const s = new Scrubber();
    const failed = exchange({
      response: undefined,
      error: { type: 'NetworkError', message: 'refused: http://127.0.0.1:1/x?api_key=qkey-1234' },
    });
    const [ok, bad] = redactExchanges([exchange(), failed], RULES, s);
    const text = JSON.stringify([ok, bad]);
    for (const secret of ['qkey-1234', 'bearer-5678', 'cookie-999'])
      assert.ok(!text.includes(secret), secret);
    assert.equal(ok!.request.url, `http://127.0.0.1:1/x?api_key=${REDACTED}&page=1`);
    assert.equal(ok!.request.headers['Content-Type'], 'application/json');
    assert.equal(ok!.response!.body, `you sent ${REDACTED} and ${REDACTED}`);
    assert.equal(bad!.error!.message, `refused: http://127.0.0.1:1/x?api_key=${REDACTED}`);
  });

  void it('leaves base64 bodies alone', () => {
    const [x] = redactExchanges(
      [
        exchange({
          request: {
            method: 'GET',
            url: 'http://h/?token=abcd1234',
            headers: {},
            body: 'abcd1234',
            bodyEncoding: 'base64',
          },
        }),
      ],
      RULES,
      new Scrubber(),
    );
    assert.equal(x!.request.body, 'abcd1234');
  });

  void it('scrubs writeOnly input values and header secrets from logs, progress and the error', () => {
    const scrubber = runScrubber(
      { type: 'object', properties: { password: { type: 'string', format: 'password' } } },
      { password: 'pw-abcdef' },
    );
    const r = redactRunRecord(
      {
        logs: [{ level: 'log', message: 'logging in with pw-abcdef and bearer-5678', timestamp: 't' }],
        progress: [{ fraction: 0.5, message: 'pw-abcdef', timestamp: 't' }],
        http: [exchange()],
        error: { type: 'Error', message: 'bad pw-abcdef', details: { nested: ['qkey-1234'] } },
      },
      RULES,
      scrubber,
    );
    assert.equal(r.logs[0]!.message, `logging in with ${REDACTED} and ${REDACTED}`);
    assert.equal(r.progress[0]!.message, REDACTED);
    assert.deepEqual(r.error, { type: 'Error', message: `bad ${REDACTED}`, details: { nested: [REDACTED] } });
  });

  void it('does not search for values shorter than 4 characters', () => {
    const s = new Scrubber();
    s.add('k');
    s.add('abc');
    assert.equal(s.scrub('a key abc'), 'a key abc');
  });
});

void describe('redactBody', () => {
  void it('redacts secret fields of JSON and form bodies (an OAuth token request and its answer)', () => {
    const s = new Scrubber();
    const form = redactBody(
      'grant_type=refresh_token&refresh_token=rt-111111&client_id=app&client_secret=cs-222222',
      'application/x-www-form-urlencoded',
      RULES,
      s,
    );
    assert.equal(
      form,
      `grant_type=refresh_token&refresh_token=${REDACTED}&client_id=app&client_secret=${REDACTED}`,
    );
    const json = redactBody(
      '{"access_token":"at-333333","token_type":"bearer","user":{"name":"ann","password":"pw-444444"},"key":"item-1"}',
      'application/json',
      RULES,
      s,
    );
    assert.deepEqual(JSON.parse(json), {
      access_token: REDACTED,
      token_type: 'bearer',
      user: { name: 'ann', password: REDACTED },
      key: 'item-1',
    });
    assert.equal(
      s.scrub('rt-111111 cs-222222 at-333333 pw-444444'),
      `${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED}`,
    );
  });

  void it('keeps bodies with nothing to redact, and ones that do not parse, byte for byte', () => {
    const s = new Scrubber();
    assert.equal(
      redactBody('{ "a": 1,\n "b": [2] }', 'application/json', RULES, s),
      '{ "a": 1,\n "b": [2] }',
    );
    assert.equal(redactBody('{"password": "x', 'application/json', RULES, s), '{"password": "x');
    assert.equal(redactBody('password=abc', 'text/plain', RULES, s), 'password=abc');
  });
});

void describe('redactedUrlMatches', () => {
  void it('lets REDACTED stand for any value and nothing else', () => {
    const rec = `http://h/x?api_key=${REDACTED}&units=metric`;
    assert.ok(redactedUrlMatches(rec, 'http://h/x?api_key=real-key&units=metric'));
    assert.ok(redactedUrlMatches(rec, `http://h/x?api_key=${WRITE_ONLY_MASK}&units=metric`));
    assert.ok(!redactedUrlMatches(rec, 'http://h/x?api_key=real-key&units=imperial'));
    assert.ok(
      !redactedUrlMatches('http://h/x?api_key=a', 'http://h/x?api_key=a'),
      'only recorded URLs with REDACTED',
    );
  });
});
