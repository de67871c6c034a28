// `ratchet help a b` prints the help of the nested command `a b`, for every nested command the
// built CLI lists (found by walking the "Commands:" sections of its own help, as a user would).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/cli.ts';

/** The subcommand names of a help text's "Commands:" section (without `help`). */
function listedCommands(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Commands:');
  if (start === -1) return [];
  const section = lines.slice(start + 1);
  const end = section.findIndex((l) => !l.startsWith(' '));
  return (end === -1 ? section : section.slice(0, end))
    .map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'help');
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

test('ratchet help <command> <subcommand> prints the help of that subcommand, for each one', async () => {
  const top = await runCli(['--help']);
  assert.equal(top.code, 0, top.stderr);
  const nested: string[][] = [];
  await inBatches(listedCommands(top.stdout), 4, async (name) => {
    const r = await runCli(['help', name]);
    assert.equal(r.code, 0, r.stderr);
    for (const sub of listedCommands(r.stdout)) nested.push([name, sub]);
  });
  const names = nested.map((p) => p.join(' '));
  for (const expected of ['repo init', 'job enqueue', 'config validate', 'generate task', 'db migrate']) {
    assert.ok(names.includes(expected), `${expected} is listed: ${names.join(', ')}`);
  }

  // The usage line names the full command path: proof the help is that command's own.
  await inBatches(nested, 4, async (path) => {
    const r = await runCli(['help', ...path]);
    assert.equal(r.code, 0, `ratchet help ${path.join(' ')}: ${r.stderr}`);
    assert.ok(
      r.stdout.startsWith(`Usage: ratchet ${path.join(' ')} `),
      `ratchet help ${path.join(' ')} printed:\n${r.stdout}`,
    );
  });
  // And it is the very text `--help` prints.
  for (const path of [
    ['repo', 'init'],
    ['job', 'enqueue'],
    ['config', 'validate'],
  ]) {
    const [viaHelp, viaFlag] = await Promise.all([runCli(['help', ...path]), runCli([...path, '--help'])]);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
  }
});

test('ratchet help names the missing command when the path has none', async () => {
  const r = await runCli(['help', 'repo', 'initialise']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    "error: ratchet repo has no command 'initialise' (run `ratchet repo --help` for its commands)\n",
  );
  const global = await runCli(['--config', 'x.yaml', 'help', 'config', 'show']);
  assert.equal(global.code, 0, global.stderr);
  assert.match(global.stdout, /^Usage: ratchet config show /);
});
