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

/** What `ratchet help …path` prints, computed as main.ts does, in this process. */
async function helpInProcess(path: string[]): Promise<string> {
  const { buildProgram } = await import('../src/cli/main.ts');
  const { nestedHelpTarget } = await import('../src/cli/commands.ts');
  const argv = ['help', ...path];
  const program = await buildProgram(argv);
  const target =
    path.length >= 2 ? nestedHelpTarget(program, argv) : program.commands.find((c) => c.name() === path[0]);
  assert.ok(target, `ratchet help ${path.join(' ')} finds its command`);
  return target.helpInformation();
}

test('ratchet help <command> <subcommand> prints the help of that subcommand, for each one', async () => {
  const top = await runCli(['--help']);
  assert.equal(top.code, 0, top.stderr);
  // Every nested command, walked as a user would from the help texts; the texts are computed by
  // the same code the binary runs (buildProgram + nestedHelpTarget), in this process: spawning
  // ~100 CLIs cost this file over a minute of CPU. The built CLI is run for a sample below.
  const nested: string[][] = [];
  for (const name of listedCommands(top.stdout)) {
    for (const sub of listedCommands(await helpInProcess([name]))) nested.push([name, sub]);
  }
  const names = nested.map((p) => p.join(' '));
  for (const expected of ['repo init', 'job enqueue', 'config validate', 'generate task', 'db migrate']) {
    assert.ok(names.includes(expected), `${expected} is listed: ${names.join(', ')}`);
  }
  // The usage line names the full command path: proof the help is that command's own.
  for (const path of nested) {
    const help = await helpInProcess(path);
    assert.ok(
      help.startsWith(`Usage: ratchet ${path.join(' ')} `),
      `ratchet help ${path.join(' ')} printed:\n${help}`,
    );
  }
  // The built CLI prints the same, and it is the very text `--help` prints.
  await inBatches(
    [
      ['repo', 'init'],
      ['job', 'enqueue'],
      ['config', 'validate'],
      ['generate', 'task'],
      ['db', 'migrate'],
    ],
    3,
    async (path) => {
      const [viaHelp, viaFlag] = await Promise.all([runCli(['help', ...path]), runCli([...path, '--help'])]);
      assert.equal(viaHelp.code, 0, viaHelp.stderr);
      assert.equal(viaHelp.stdout, await helpInProcess(path));
      assert.equal(viaHelp.stdout, viaFlag.stdout);
    },
  );
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
