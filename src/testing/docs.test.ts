// docs/testing.md is executed: its `file=` blocks are written into a temp folder and its shell
// commands run against the built CLI there, so the documented format and flags cannot drift.
// The "Recording and replay" section belongs to the recording feature and is tested with it.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../cli/test-helpers/cli-process.ts';
import { ASSERTION_OPERATORS, TEST_KEYS } from '../tasks/test-shape.ts';

const DOC = fileURLToPath(new URL('../../docs/testing.md', import.meta.url));
const OWN_PART = (doc: string): string => doc.split('\n## Recording and replay')[0]!;

test('docs/testing.md: every file example is a working task and every command succeeds', async () => {
  assertBuilt();
  const doc = OWN_PART(await readFile(DOC, 'utf8'));
  const files = [...doc.matchAll(/```\w+ file=(\S+)\n([\s\S]*?)```/g)];
  assert.ok(files.length >= 6, `found only ${files.length} file examples`);
  const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')),
  );
  assert.ok(commands.length >= 4, `found only ${commands.length} commands`);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-testing-doc-'));
  try {
    for (const [, rel, text] of files) {
      await mkdir(dirname(join(dir, rel!)), { recursive: true });
      await writeFile(join(dir, rel!), text!);
    }
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    for (const line of commands) {
      const r = await runShell(line, { cwd: dir, env });
      assert.equal(r.code, 0, `\`${line}\` exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      assert.notEqual(r.stdout, '', `\`${line}\` printed nothing`);
    }
    // The full run: every documented case passes.
    const all = await runShell('ratchet test weather --json', { cwd: dir, env });
    const report = JSON.parse(all.stdout) as { totals: { cases: number; passed: number } };
    const caseFiles = files.filter(([, rel]) => rel!.startsWith('weather/tests/')).length;
    assert.deepEqual([report.totals.cases, report.totals.passed], [caseFiles, caseFiles]);
    assert.match(await readFile(join(dir, 'weather-junit.xml'), 'utf8'), /<testsuite name="weather@1\.0\.0"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('docs/testing.md names every test-file key and every assertion operator', async () => {
  const doc = OWN_PART(await readFile(DOC, 'utf8'));
  for (const key of [...TEST_KEYS, 'name', 'description', 'match', 'mock', 'mock_http', 'allow_network']) {
    assert.match(doc, new RegExp(`^\\| \`${key}\` \\|`, 'm'), `key ${key} is not in the table`);
  }
  for (const op of ASSERTION_OPERATORS) assert.ok(doc.includes(`\`${op}\``), `operator ${op} undocumented`);
  for (const key of ['status', 'headers', 'body', 'bodyEncoding', 'times']) {
    assert.ok(doc.includes(`\`${key}\``), `mock key ${key} undocumented`);
  }
});

test('docs/testing.md keeps the section the recording feature fills', async () => {
  const doc = await readFile(DOC, 'utf8');
  assert.match(doc, /\n## Recording and replay\n/);
});
