// The root help (`ratchet`, `ratchet --help`, `ratchet help`, an unknown command) lists every
// command with its usage and description, and building that list imports every command module:
// the HTTP server, the database, the MCP SDK (~700 modules, ~1.1 s). `npm run build` writes the
// list once, from the real commands, into dist/cli/command-index.json; the built CLI registers
// an entry per command from it for the root help, and the real command when one is invoked. From
// src/ (no index beside it) the real modules are loaded as before.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { COMMAND_MODULES } from './commands.ts';

export interface IndexedCommand {
  name: string;
  aliases: string[];
  /** The command's term in the root help, e.g. `run-once [options] [dir]`. */
  term: string;
  description: string;
}

const INDEX_URL = new URL('./command-index.json', import.meta.url);

/** The index the build wrote, or undefined when there is none (running from src/). */
export function readCommandIndex(): IndexedCommand[] | undefined {
  try {
    return JSON.parse(readFileSync(INDEX_URL, 'utf8')) as IndexedCommand[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Registers one entry per indexed command, listed in the root help as the real one would be. */
export function registerIndexedCommands(program: Command, index: readonly IndexedCommand[]): void {
  const terms = new Map<string, string>();
  for (const entry of index) {
    const cmd = program.command(entry.name).description(entry.description);
    for (const alias of entry.aliases) cmd.alias(alias);
    terms.set(entry.name, entry.term);
  }
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? standard.subcommandTerm(cmd) });
}

/** The index of every command, from the command modules themselves. */
export async function buildCommandIndex(): Promise<IndexedCommand[]> {
  const program = new Command('ratchet');
  const registers = await Promise.all(Object.values(COMMAND_MODULES).map((load) => load()));
  for (const register of registers) register(program);
  const help = program.createHelp();
  return program.commands.map((cmd) => ({
    name: cmd.name(),
    aliases: cmd.aliases(),
    term: help.subcommandTerm(cmd),
    description: help.subcommandDescription(cmd),
  }));
}

/** Writes the index beside this module (the build runs it from dist/cli/). */
export async function writeCommandIndex(): Promise<void> {
  writeFileSync(INDEX_URL, `${JSON.stringify(await buildCommandIndex(), null, 1)}\n`);
}
