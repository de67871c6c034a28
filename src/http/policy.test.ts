import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIp } from './address.ts';
import { checkConnection, checkHostAllowed, validateHostPatterns } from './policy.ts';

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

// checkHostAllowed and checkConnection only classify against the policy: nothing here opens a connection, so the
// private and public addresses below are never contacted.
void test('non-public literals are refused by default, naming the address, why and the entry that allows it', () => {
  const reason = checkHostAllowed('http://127.1:8081/x', policy([])) ?? '';
  assert.match(reason, /^address 127\.0\.0\.1 is a loopback address/);
  assert.match(reason, /http\.allowed_hosts: \["127\.0\.0\.1:8081"\]/);
  assert.match(reason, /--allow-host 127\.0\.0\.1:8081/);
  // Private ranges are classified from the address alone (no URL, so nothing that could be fetched).
  assert.match(
    checkConnection('10.1.2.3', parseIp('10.1.2.3')!, 80, policy([])) ?? '',
    /10\.1\.2\.3 is a private address/,
  );
  assert.match(checkHostAllowed('http://[::]:80/', policy([])) ?? '', /:: is an unspecified address/);
  assert.match(
    checkHostAllowed('http://[fd00:ec2::254]/', policy([])) ?? '',
    /fd00:ec2::254 is a cloud metadata address.*\["\[fd00:ec2::254\]:80"\]/,
  );
  assert.match(
    checkHostAllowed('http://Metadata.Google.Internal./computeMetadata/v1/', policy([])) ?? '',
    /metadata\.google\.internal is a cloud metadata service name/,
  );
  // A public address is fine with an empty list.
  assert.equal(checkHostAllowed('http://8.8.8.8/', policy([])), null);
});

void test('allow entries open exactly what they name: host, host:port, CIDR, *.domain; * opens no private address', () => {
  assert.equal(checkHostAllowed('http://127.0.0.1:8081/', policy(['127.0.0.1:8081'])), null);
  assert.match(checkHostAllowed('http://127.0.0.1:8082/', policy(['127.0.0.1:8081'])) ?? '', /loopback/);
  assert.equal(checkHostAllowed('http://127.0.0.1:9/', policy(['127.0.0.1'])), null);
  assert.equal(checkHostAllowed('http://127.9.9.9:9/', policy(['127.0.0.0/8'])), null);
  const tenOne = parseIp('10.0.0.1')!;
  assert.match(checkConnection('10.0.0.1', tenOne, 80, policy(['127.0.0.0/8'])) ?? '', /private/);
  assert.equal(checkConnection('10.0.0.1', tenOne, 443, policy(['10.0.0.0/8:443'])), null);
  assert.notEqual(checkConnection('10.0.0.1', tenOne, 80, policy(['10.0.0.0/8:443'])), null);
  assert.equal(checkHostAllowed('http://[::1]:5/', policy(['[::1/128]:5'])), null);
  assert.match(checkHostAllowed('http://127.0.0.1/', policy(['*'])) ?? '', /loopback/);
  // IPv4-mapped IPv6 is the same destination as the IPv4 address, both ways.
  assert.equal(checkHostAllowed('http://[::ffff:7f00:1]:8081/', policy(['127.0.0.1:8081'])), null);
  assert.equal(checkHostAllowed('http://127.0.0.1:8081/', policy(['[::ffff:127.0.0.1]:8081'])), null);
  // A name resolving to a private address is decided at connect time by its address.
  const lab = { name: 'db.lab.internal', port: 443 };
  const ten = parseIp('10.0.0.7')!;
  assert.equal(checkConnection(lab.name, ten, lab.port, policy(['*.lab.internal'])), null);
  assert.equal(checkConnection(lab.name, ten, lab.port, policy(['10.0.0.0/24'])), null);
  assert.match(
    checkConnection(lab.name, ten, lab.port, policy([])) ?? '',
    /^db\.lab\.internal resolves to 10\.0\.0\.7, a private address.*\["db\.lab\.internal:443"\]/,
  );
  assert.match(
    checkConnection('localhost', parseIp('::1')!, 80, policy([])) ?? '',
    /resolves to ::1, a loopback/,
  );
  // With a non-empty list, a public host must be on it; an address pattern defers the decision to connect time.
  assert.match(checkHostAllowed('https://x.test/', policy(['a.test'])) ?? '', /not in the allowed hosts/);
  assert.equal(checkHostAllowed('https://x.test/', policy(['93.184.216.0/24'])), null);
  assert.equal(checkConnection('x.test', parseIp('93.184.216.34')!, 443, policy(['93.184.216.0/24'])), null);
  assert.match(
    checkConnection('x.test', parseIp('8.8.8.8')!, 443, policy(['93.184.216.0/24'])) ?? '',
    /"x\.test:443" \(8\.8\.8\.8\) is not in the allowed hosts/,
  );
});

void test('deny patterns match resolved addresses and ranges too', () => {
  const p = policy(['*.lab.internal'], ['10.0.0.0/8']);
  assert.match(
    checkConnection('db.lab.internal', parseIp('10.0.0.7')!, 443, p) ?? '',
    /"db\.lab\.internal:443" \(10\.0\.0\.7\) is denied by pattern "10\.0\.0\.0\/8"/,
  );
  assert.match(checkHostAllowed('http://2130706433/', policy(['127.0.0.1'], ['127.0.0.1'])) ?? '', /denied/);
});

void test("the server's own ports open only to an entry naming that exact port", () => {
  const own = (allowedHosts: string[]) => ({ allowedHosts, deniedHosts: [], ownPorts: [8080] });
  for (const entries of [[], ['127.0.0.1'], ['127.0.0.0/8'], ['localhost'], ['*']]) {
    assert.match(
      checkHostAllowed('http://127.0.0.1:8080/api/v1/api-keys', own(entries)) ?? '',
      /own server port/,
      JSON.stringify(entries),
    );
  }
  assert.match(checkHostAllowed('http://0.0.0.0:8080/', own(['0.0.0.0'])) ?? '', /own server port/);
  assert.match(
    checkConnection('localhost', parseIp('::1')!, 8080, own(['localhost'])) ?? '',
    /own server port/,
  );
  assert.equal(checkHostAllowed('http://127.0.0.1:8080/', own(['127.0.0.1:8080'])), null);
  assert.equal(checkHostAllowed('http://127.0.0.1:8080/', own(['127.0.0.0/8:8080'])), null);
  assert.equal(checkHostAllowed('http://127.0.0.1:8081/', own(['127.0.0.1'])), null);
  // A machine's own public address counts as local when it is one of the interface addresses given.
  const mine = parseIp('203.0.114.9')!;
  assert.match(checkHostAllowed('http://203.0.114.9:8080/', own([]), [mine]) ?? '', /own server port/);
  assert.equal(checkHostAllowed('http://203.0.114.9:8081/', own([]), [mine]), null);
});

void test('CIDR and address patterns are validated', () => {
  assert.throws(() => validateHostPatterns(policy(['10.0.0.0/33'])), /"10\.0\.0\.0\/33" is not a CIDR range/);
  assert.doesNotThrow(() =>
    validateHostPatterns(policy(['fc00::/7', '[fc00::/7]:443', '::1', '10.0.0.0/8:80'])),
  );
});
