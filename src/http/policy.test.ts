import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHostAllowed, validateHostPatterns } from './policy.ts';

const policy = (allowedHosts: string[], deniedHosts: string[] = []) => ({ allowedHosts, deniedHosts });

void test('an empty allow list allows every host', () => {
  assert.equal(checkHostAllowed('https://anything.test/x', policy([])), null);
});

void test('exact hosts match case-insensitively and ignore a trailing dot', () => {
  assert.equal(checkHostAllowed('https://API.Example.com/x', policy(['api.example.com'])), null);
  assert.equal(checkHostAllowed('https://api.example.com./x', policy(['api.example.com'])), null);
  assert.match(
    checkHostAllowed('https://other.example.com/', policy(['api.example.com'])) ?? '',
    /not in the allowed/,
  );
});

void test('wildcards match subdomains at any depth but not the apex', () => {
  const p = policy(['*.example.com']);
  assert.equal(checkHostAllowed('https://a.example.com/', p), null);
  assert.equal(checkHostAllowed('https://a.b.example.com/', p), null);
  assert.notEqual(checkHostAllowed('https://example.com/', p), null);
  assert.notEqual(checkHostAllowed('https://badexample.com/', p), null);
});

void test('host:port patterns compare the effective port', () => {
  const p = policy(['example.com:443', '127.0.0.1:8080']);
  assert.equal(checkHostAllowed('https://example.com/', p), null);
  assert.notEqual(checkHostAllowed('http://example.com/', p), null);
  assert.equal(checkHostAllowed('http://127.0.0.1:8080/', p), null);
  assert.match(checkHostAllowed('http://127.0.0.1:8081/', p) ?? '', /"127\.0\.0\.1:8081"/);
});

void test('IPv6 literals in brackets, with and without a port', () => {
  assert.equal(checkHostAllowed('http://[::1]:9000/', policy(['[::1]'])), null);
  assert.equal(checkHostAllowed('http://[::1]:9000/', policy(['[::1]:9000'])), null);
  assert.notEqual(checkHostAllowed('http://[::1]:9001/', policy(['[::1]:9000'])), null);
});

void test('deny wins over allow, and * denies everything', () => {
  const reason = checkHostAllowed('https://a.example.com/', policy(['*.example.com'], ['a.example.com']));
  assert.equal(reason, 'host "a.example.com:443" is denied by pattern "a.example.com"');
  assert.match(checkHostAllowed('https://x.test/', policy([], ['*'])) ?? '', /denied by pattern "\*"/);
});

void test('only http and https are allowed; bad URLs are named', () => {
  assert.match(checkHostAllowed('file:///etc/passwd', policy([])) ?? '', /protocol "file:" is not allowed/);
  assert.match(checkHostAllowed('not a url', policy([])) ?? '', /"not a url" is not a valid URL/);
});

void test('invalid patterns are rejected with the pattern named', () => {
  assert.throws(
    () => validateHostPatterns(policy(['example.com:99999'])),
    /"example\.com:99999".*port "99999"/,
  );
  assert.throws(() => validateHostPatterns(policy([], ['foo.*.com'])), /invalid host pattern "foo\.\*\.com"/);
  assert.throws(() => validateHostPatterns(policy(['[::1'])), /missing "\]"/);
});
