// JUnit XML for CI systems (Jenkins, GitLab, GitHub annotations): one <testsuite> per task, one
// <testcase> per case. Failed cases carry <failure>, unusable test files <error>, cases stopped
// by --bail are not listed. Text is XML-escaped, and characters XML 1.0 forbids are dropped.
import type { TestRunReport } from './runner.ts';
import type { CaseResult } from './run-case.ts';

// Control characters other than tab, LF and CR cannot appear in XML 1.0 at all, not even escaped.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function failureBody(c: CaseResult): string {
  const parts = [c.message ?? ''];
  if (c.diff) parts.push(c.diff.join('\n'));
  if (c.error?.stack) parts.push(c.error.stack);
  if (c.logs.length > 0) parts.push(c.logs.map((l) => `[${l.level}] ${l.message}`).join('\n'));
  return parts.filter((p) => p !== '').join('\n\n');
}

function testcase(c: CaseResult, classname: string): string {
  const open = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(classname)}" file="${xmlEscape(c.file)}" time="${seconds(c.durationMs)}"`;
  if (c.status === 'passed') return `${open}/>`;
  const tag = c.status === 'failed' ? 'failure' : 'error';
  const firstLine = (c.message ?? c.status).split('\n')[0]!;
  return [
    `${open}>`,
    `      <${tag} message="${xmlEscape(firstLine)}" type="${c.status === 'failed' ? 'AssertionError' : 'TestFileError'}">${xmlEscape(failureBody(c))}</${tag}>`,
    `    </testcase>`,
  ].join('\n');
}

export function toJUnitXml(report: TestRunReport): string {
  const t = report.totals;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ratchet test" tests="${t.passed + t.failed + t.errors}" failures="${t.failed}" errors="${t.errors}" time="${seconds(report.durationMs)}">`,
  ];
  for (const task of report.tasks) {
    const name = `${task.task.name}@${task.task.version}`;
    lines.push(
      `  <testsuite name="${xmlEscape(name)}" tests="${task.cases.length}" failures="${task.failed}" errors="${task.errors}" skipped="0" time="${seconds(task.durationMs)}">`,
    );
    for (const c of task.cases) lines.push(testcase(c, task.task.name));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
