// docs/quality.md is executed: its `file=` blocks are written into a temp folder and every shell
// command runs against the built CLI there. A block written ```sh exit=N holds commands that are
// documented to exit with N (a fuzz run that finds a bug exits 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT } from './helpers/cli.ts';

test('docs/quality.md: every file example is written and every command works as documented', async () => {
  assertBuilt();
  const doc = await readFile(join(ROOT, 'docs', 'quality.md'), 'utf8');
  const files = [...doc.matchAll(/```\w+ file=(\S+)\n([\s\S]*?)```/g)];
  const commands = [...doc.matchAll(/```sh(?: exit=(\d+))?\n([\s\S]*?)```/g)].flatMap((m) =>
    m[2]!
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
      .map((line) => ({ line, exit: Number(m[1] ?? 0) })),
  );
  assert.ok(commands.length >= 2, `found only ${commands.length} commands`);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-quality-doc-'));
  try {
    for (const [, rel, text] of files) {
      await mkdir(dirname(join(dir, rel!)), { recursive: true });
      await writeFile(join(dir, rel!), text!);
    }
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    const outputs: string[] = [];
    const errors: string[] = [];
    for (const { line, exit } of commands) {
      const r = await runShell(line, { cwd: dir, env });
      assert.equal(r.code, exit, `\`${line}\` exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      assert.notEqual(r.stdout, '', `\`${line}\` printed nothing`);
      outputs.push(r.stdout);
      errors.push(r.stderr);
    }
    // The output shown in the coverage section is what the command prints.
    const shown = /prints, for the task above:\n\n```\n([\s\S]*?)```/.exec(doc)![1]!;
    const printed = outputs[1]!.replace(/written to \S+/, 'written to /…/coverage/lcov.info');
    for (const l of shown.split('\n').filter((x) => x.trim() !== '')) {
      assert.ok(printed.includes(l), `documented line not printed: ${JSON.stringify(l)}\n${printed}`);
    }
    assert.match(await readFile(join(dir, 'coverage', 'lcov.info'), 'utf8'), /^DA:4,0$/m);
    // The fuzz section's printed lines, and the saved case.
    const fuzzShown =
      /finds the bug and shrinks it to the one input that triggers it:\n\n```\n([\s\S]*?)```/.exec(doc)![1]!;
    const fuzzOut = outputs.find((o) => o.includes('distinct failure'))!;
    for (const l of fuzzShown.split('\n').filter((x) => x.trim() !== '')) {
      assert.ok(fuzzOut.includes(l), `documented line not printed: ${JSON.stringify(l)}\n${fuzzOut}`);
    }
    const debugShown = /prints the hit, then the result:\n\n```\n([\s\S]*?)```/.exec(doc)![1]!;
    const debugOut = outputs.find((o) => o.includes('#1 line:6'))!;
    assert.equal(debugOut, debugShown);
    const saved = JSON.parse(await readFile(join(dir, 'sign', 'tests', 'fuzz-001.json'), 'utf8')) as {
      input: unknown;
    };
    assert.deepEqual(saved.input, { value: 7 });
    // The profile section: the printed profile has every documented line, figures aside.
    const profileShown = /profile like this one[\s\S]*?```\n([\s\S]*?)```/.exec(doc)![1]!;
    const profileOut = errors.find((e) => e.includes('profile: COMPLETED'))!;
    for (const l of profileShown.split('\n').filter((x) => x.trim() !== '')) {
      const shape = new RegExp(
        `^${l
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\d+(?:\\\.\d+)?/g, '[\\d.]+')
          .replace(/ +/g, ' +')}$`,
        'm',
      );
      assert.match(profileOut, shape, `documented profile line not printed: ${JSON.stringify(l)}`);
    }
    const traced = JSON.parse(outputs.find((o) => o.includes('"trace"'))!) as {
      profile: { fetches: { url: string; status: number }[] };
      trace: { kind: string }[];
    };
    assert.deepEqual(
      traced.profile.fetches.map((f) => [f.url, f.status]),
      [['https://prices.example.com/v1/quote?symbol=ACME', 200]],
    );
    assert.deepEqual([...new Set(traced.trace.map((e) => e.kind))], ['start', 'phase', 'log', 'http', 'end']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
