import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJUnitXml, xmlEscape } from './junit.ts';
import type { TestRunReport } from './runner.ts';

/** A tiny well-formedness check: balanced tags, quoted attributes, no raw & or < in text. */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const token =
    /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = token.exec(body)) !== null) {
    pos = token.lastIndex;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!(amp|lt|gt|quot|apos);)/, 'raw & in text');
      if (elements.length > 0) elements[elements.length - 1]!.text += m[5];
      continue;
    }
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      assert.equal(stack.pop(), name, `unbalanced </${name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    elements.push({ name: name!, attrs, text: '' });
    if (!selfClose) stack.push(name!);
  }
  assert.equal(pos, body.length, `unparsable XML at ${pos}: ${body.slice(pos, pos + 40)}`);
  assert.deepEqual(stack, [], 'unclosed elements');
  return elements;
}

const report: TestRunReport = {
  durationMs: 1234,
  totals: { cases: 3, passed: 1, failed: 1, errors: 1, notRun: 0 },
  tasks: [
    {
      task: { name: 'a&b <task>', version: '1.0.0', path: 'x' },
      passed: 1,
      failed: 1,
      errors: 1,
      notRun: 0,
      filteredOut: 0,
      durationMs: 30,
      cases: [
        { name: 'ok "quoted"', file: 't1.json', status: 'passed', durationMs: 10, logs: [], unusedMocks: [] },
        {
          name: "it's <broken>",
          file: 't2.json',
          status: 'failed',
          durationMs: 15,
          message: 'output differs & more\nsecond line',
          diff: ['- $.a: 1', '+ $.a: 2'],
          logs: [{ level: 'info', message: 'ctl\u0001char <b>', timestamp: '' }],
          unusedMocks: [],
        },
        {
          name: 'bad',
          file: 't3.json',
          status: 'error',
          durationMs: 5,
          message: 'invalid test file',
          logs: [],
          unusedMocks: [],
        },
      ],
    },
  ],
};

test('JUnit XML is well-formed, escaped, and counts what happened', () => {
  const xml = toJUnitXml(report);
  const els = parseXml(xml);
  const suites = els.filter((e) => e.name === 'testsuites');
  assert.deepEqual(suites[0]!.attrs, {
    name: 'ratchet test',
    tests: '3',
    failures: '1',
    errors: '1',
    time: '1.234',
  });
  const suite = els.find((e) => e.name === 'testsuite')!;
  assert.equal(suite.attrs.name, 'a&amp;b &lt;task&gt;@1.0.0');
  const cases = els.filter((e) => e.name === 'testcase');
  assert.deepEqual(
    cases.map((c) => c.attrs.name),
    ['ok &quot;quoted&quot;', 'it&apos;s &lt;broken&gt;', 'bad'],
  );
  const failure = els.find((e) => e.name === 'failure')!;
  assert.equal(failure.attrs.message, 'output differs &amp; more');
  assert.match(failure.text, /- \$\.a: 1\n\+ \$\.a: 2/);
  assert.match(failure.text, /\[info\] ctlchar &lt;b&gt;/);
  assert.ok(!xml.includes('\u0001'));
  assert.equal(els.filter((e) => e.name === 'error').length, 1);
});

test('xmlEscape escapes the five XML specials', () => {
  assert.equal(xmlEscape(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});
