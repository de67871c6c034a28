// The address classifier on every range and spelling, without connecting anywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyIp, classifyName, formatIp, parseCidr, parseIp, inRange } from './address.ts';

function kind(text: string): string | null {
  const ip = parseIp(text);
  assert.ok(ip, `"${text}" should parse as an IP address`);
  return classifyIp(ip);
}

void test('every spelling of 127.0.0.1 parses to the same address and is loopback', () => {
  for (const spelling of [
    '127.0.0.1',
    '127.1',
    '127.0.1',
    '2130706433',
    '0x7f000001',
    '0X7F000001',
    '0177.0.0.1',
    '0x7f.0.0.1',
    '0x7f.1',
    '017700000001',
    '127.0.0.1.',
  ]) {
    const ip = parseIp(spelling);
    assert.ok(ip, spelling);
    assert.equal(formatIp(ip), '127.0.0.1', spelling);
    assert.equal(classifyIp(ip), 'loopback', spelling);
  }
});

void test('IPv6 loopback, IPv4-mapped and NAT64/6to4 forms of loopback', () => {
  for (const spelling of [
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '[::ffff:127.0.0.1]',
    '::ffff:7f00:1',
    '[::ffff:7f00:1]',
    '0:0:0:0:0:ffff:7f00:0001',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
  ]) {
    assert.equal(kind(spelling), 'loopback', spelling);
  }
  assert.equal(formatIp(parseIp('[::ffff:7f00:1]')!), '::ffff:127.0.0.1');
  assert.equal(formatIp(parseIp('0:0:0:0:0:0:0:1')!), '::1');
});

void test('unspecified addresses', () => {
  for (const s of ['0.0.0.0', '0', '0x0', '0.1.2.3', '::', '[::]', '::ffff:0.0.0.0']) {
    assert.equal(kind(s), 'unspecified', s);
  }
});

void test('private ranges at their edges', () => {
  for (const s of [
    '10.0.0.0',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '192.168.255.255',
    '012.1.2.3',
    '167772161',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:10.1.2.3',
    '::ffff:c0a8:101',
  ]) {
    assert.equal(kind(s), 'private', s);
  }
  for (const s of ['172.15.255.255', '172.32.0.0', '11.0.0.1', '192.169.0.1', 'fe00::1']) {
    assert.equal(kind(s), null, s);
  }
});

void test('link-local, cloud metadata, CGNAT, multicast, broadcast', () => {
  assert.equal(kind('169.254.1.1'), 'link-local');
  assert.equal(kind('fe80::1'), 'link-local');
  assert.equal(kind('fe80::1%eth0'), 'link-local');
  assert.equal(kind('febf::1'), 'link-local');
  for (const s of [
    '169.254.169.254',
    '0xa9fea9fe',
    '2852039166',
    '0251.0376.0251.0376',
    '::ffff:169.254.169.254',
    '169.254.170.2',
    '100.100.100.200',
    'fd00:ec2::254',
    '[fd00:ec2::254]',
  ]) {
    assert.equal(kind(s), 'cloud metadata', s);
  }
  assert.equal(kind('100.64.0.1'), 'carrier-grade NAT');
  assert.equal(kind('100.127.255.255'), 'carrier-grade NAT');
  assert.equal(kind('100.128.0.0'), null);
  assert.equal(kind('224.0.0.1'), 'multicast');
  assert.equal(kind('239.255.255.250'), 'multicast');
  assert.equal(kind('ff02::1'), 'multicast');
  assert.equal(kind('255.255.255.255'), 'broadcast');
  assert.equal(kind('4294967295'), 'broadcast');
  assert.equal(kind('240.0.0.1'), 'reserved');
  assert.equal(kind('2001:db8::1'), 'reserved');
});

void test('public addresses are not classified', () => {
  for (const s of [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '2002:808:808::',
  ]) {
    assert.equal(kind(s), null, s);
  }
});

void test('metadata names in any case and with a trailing dot', () => {
  assert.equal(classifyName('metadata.google.internal'), 'cloud metadata');
  assert.equal(classifyName('METADATA.Google.Internal.'), 'cloud metadata');
  assert.equal(classifyName('metadata'), 'cloud metadata');
  assert.equal(classifyName('metadata.example.com'), null);
});

void test('names and malformed numbers are not IP addresses', () => {
  for (const s of [
    'localhost',
    'example.com',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.256.1.1',
    '4294967296',
    '08.1.1.1',
    '0xg1',
    '1..2',
    '',
    ':::1',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::1',
    '::ffff:1.2.3',
    '[::1',
  ]) {
    assert.equal(parseIp(s), null, s);
  }
});

void test('CIDR ranges parse and contain what they should', () => {
  const loop = parseCidr('127.0.0.0/8')!;
  assert.ok(inRange(parseIp('127.200.3.4')!, loop));
  assert.ok(!inRange(parseIp('128.0.0.1')!, loop));
  const ula = parseCidr('[fc00::/7]')!;
  assert.ok(inRange(parseIp('fdff::1')!, ula));
  assert.ok(inRange(parseIp('::1')!, parseCidr('::1/128')!));
  assert.ok(inRange(parseIp('10.1.2.3')!, parseCidr('10.1.2.0/23')!));
  assert.ok(!inRange(parseIp('10.1.4.3')!, parseCidr('10.1.2.0/23')!));
  assert.ok(inRange(parseIp('1.2.3.4')!, parseCidr('0.0.0.0/0')!));
  for (const bad of ['127.0.0.0', '127.0.0.0/33', '::/129', '127.1/8', 'x/8', '10.0.0.0/a']) {
    assert.equal(parseCidr(bad), null, bad);
  }
});
