#!/usr/bin/env node
// The `ratchet` binary: builds the commander program from the command modules and maps
// failures onto exit codes (0 ok, 1 the task or check failed, 2 usage or loading error).
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { COMMAND_MODULES, invokedCommand, nestedHelpTarget, registerCommands } from './commands.ts';
import { readCommandIndex, registerIndexedCommands } from './command-index.ts';
import { LONG_RUNNING_COMMANDS, listenForStop } from './stop-signal.ts';
import { CliExit, UsageError } from './errors.ts';
import { ratchetVersion } from '../version.ts';

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('ratchet');
  program
    .description('Run small JavaScript tasks safely and fast.')
    .option('-c, --config <file>', 'configuration file (YAML or JSON)')
    .option('--log-level <level>', 'log level: trace, debug, info, warn, error')
    .showHelpAfterError('(run `ratchet --help` for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  program.addHelpCommand('help [command]', 'show help for a command');
  // --version is handled in main() and only as the first argument: declared on the root command,
  // commander would take it from anywhere, stealing e.g. `generate task x --version 2.1.0`.
  program.addHelpText('after', '\nRun `ratchet --version` (or -V) to print the version.');
  const command = invokedCommand(argv);
  // No command, or one that does not exist: the root help or commander's "unknown command" only
  // need each command's name and usage, which the built CLI has indexed (command-index.ts).
  // (An alias of a command is known to the index but not to COMMAND_MODULES: load them all.)
  const index = command !== undefined && command in COMMAND_MODULES ? undefined : readCommandIndex();
  const aliased = index?.some((c) => command !== undefined && c.aliases.includes(command)) === true;
  if (index !== undefined && !aliased) registerIndexedCommands(program, index);
  else await registerCommands(program, command);
  applyRecursively(program, (cmd) => {
    cmd.exitOverride();
    cmd.showHelpAfterError(`(run \`ratchet help ${commandPath(cmd)}\` for usage)`);
  });
  return program;
}

function applyRecursively(cmd: Command, fn: (c: Command) => void): void {
  for (const sub of cmd.commands) {
    fn(sub);
    applyRecursively(sub, fn);
  }
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${ratchetVersion()}\n`);
    return 0;
  }
  const command = invokedCommand(argv);
  // A stop signal during module loading must not kill a server or worker mid-start.
  if (
    command !== undefined &&
    LONG_RUNNING_COMMANDS.has(command) &&
    !argv.includes('help') &&
    !argv.includes('docs')
  ) {
    listenForStop();
  }
  const program = await buildProgram(argv);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    const helpTarget = nestedHelpTarget(program, argv);
    if (helpTarget !== undefined) {
      helpTarget.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CliExit) return err.code;
  if (err instanceof CommanderError) {
    // Help and version are successful exits; every parse problem is a usage error.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`error: ${message}\n`);
  return 1;
}

/**
 * Runs the CLI on this process's arguments and sets its exit code. The `ratchet` bin (bin.ts) calls
 * it once it knows the Node is new enough; `node dist/cli/main.js` runs it directly.
 */
export async function runCli(): Promise<void> {
  // V8 keeps the code it compiled on disk (NODE_COMPILE_CACHE, else the OS temp folder), so every
  // start after the first skips most parsing and compiling of the command's modules (which load
  // lazily, after this): about 30% off a short command's start-up, measured on `job list`.
  // (Optional call: bin.ts only runs this on Node 22+, but main.js may be started by any node.)
  nodeModule.enableCompileCache?.();
  // `ratchet task list | head` closes our stdout early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  process.exitCode = await main(process.argv.slice(2));
}

const invokedDirectly =
  process.argv[1] && fileURLToPath(import.meta.url) === (await realPath(process.argv[1]));
if (invokedDirectly) await runCli();

async function realPath(p: string): Promise<string> {
  const { realpath } = await import('node:fs/promises');
  try {
    return await realpath(p);
  } catch {
    return p;
  }
}
