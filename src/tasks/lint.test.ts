// Lint rules on the acorn AST. Each rule must fire on the guide's bad example and stay quiet on a
// good task.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as acorn from 'acorn';
import { lintTaskCode } from './lint.ts';
import { astFindings } from './lint-ast.ts';
import type { LintFinding } from './lint-rules.ts';

const GOOD = `(function(input, context) {
  const response = fetch(input.url);
  if (!response.ok) throw new HttpError(response.status, 'failed');
  return { data: response.body };
})
`;

const engines: [string, (code: string) => LintFinding[]][] = [
  ['acorn', (code) => astFindings(acorn, code, false)],
];

const rules = (fs: LintFinding[]) => fs.map((f) => `${f.rule}@${f.line}:${f.column}`);

for (const [engine, lint] of engines) {
  test(`${engine}: a correct task has no findings`, () => {
    assert.deepEqual(lint(GOOD), []);
  });

  test(`${engine}: missing wrapper, require, Node APIs`, () => {
    const code = `const myTask = (input, context) => {\n  const fs = require('fs');\n  return process.env.X + Buffer.from(input) + __dirname;\n};\n`;
    const found = rules(lint(code));
    assert.ok(found.includes('function-wrapper@1:1'), found.join());
    assert.ok(found.includes('no-modules@2:14'), found.join());
    assert.ok(found.includes('no-node-apis@3:10'), found.join());
    assert.ok(found.includes('no-node-apis@3:26'), found.join());
    assert.ok(found.includes('no-node-apis@3:47'), found.join());
    // `fs` is declared locally here, so it is not reported as the Node module.
    assert.ok(!found.some((f) => f.startsWith('no-node-apis@2')), found.join());
  });

  test(`${engine}: promise-style fetch, await, .json(), unchecked response, thrown strings, unused input`, () => {
    const code = [
      '(function(input, context) {',
      '  const r = fetch("https://x.test");',
      '  const data = r.json();',
      '  fetch("https://y.test").then((x) => x);',
      '  throw "bad";',
      '})',
    ].join('\n');
    const found = lint(code);
    const byRule = new Map(found.map((f) => [f.rule, f]));
    assert.equal(byRule.get('fetch-body')?.line, 3);
    assert.equal(byRule.get('fetch-promise')?.line, 4);
    assert.equal(byRule.get('fetch-check-ok')?.severity, 'warning');
    assert.equal(byRule.get('throw-error-object')?.line, 5);
    assert.deepEqual([byRule.get('unused-input')?.line, byRule.get('unused-input')?.column], [1, 11]);
    for (const f of found) assert.ok(f.fix.length > 10 && f.message.length > 10);
  });

  test(`${engine}: await fetch is a warning; names inside strings and comments are ignored`, () => {
    const code = `(async function(input) {\n  // process.exit() and require('x') in a comment\n  const s = "Buffer and __dirname";\n  const r = await fetch(input.u);\n  return r.ok ? r.body : s;\n})`;
    assert.deepEqual(rules(lint(code)), ['fetch-await@4:13']);
  });
}

test('lintTaskCode: syntax errors come first with line:column and a fix; parser is named', async () => {
  const report = await lintTaskCode('(function(input) {\n  return {;\n})');
  assert.equal(report.parser, 'acorn');
  assert.equal(report.errors, 1);
  assert.equal(report.findings[0]!.rule, 'syntax');
  assert.equal(report.findings[0]!.line, 2);
  const ok = await lintTaskCode(GOOD);
  assert.deepEqual(ok.findings, []);
});

test('lintTaskCode: a bare function (no parentheses) keeps columns of the file as written', async () => {
  const report = await lintTaskCode('function(input) { return process.argv; }');
  assert.deepEqual(rules(report.findings), ['unused-input@1:10', 'no-node-apis@1:26']);
});
