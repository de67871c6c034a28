// `ratchet console`: the interactive administration console (src/console/). Interactive on a
// terminal; with --script FILE or piped stdin it runs the lines without a prompt and exits 1 at
// the first failing command (file:line on stderr), unless --continue-on-error.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { expandHome, openConnection, openLocal, tokenOf } from '../console/connect.ts';
import { HttpClient } from '../console/http-client.ts';
import { History } from '../console/history.ts';
import { Session } from '../console/session.ts';
import { Variables } from '../console/variables.ts';
import type { Output } from '../console/format.ts';

interface ConsoleFlags {
  connect?: string;
  authToken?: string;
  script?: string;
  historyFile?: string;
  continueOnError?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function runConsole(flags: ConsoleFlags, cmd: Command): Promise<void> {
  const config = await loadCliConfig(cmd);
  const cc = config.console;
  const interactive = flags.script === undefined && process.stdin.isTTY === true;
  // A command's lines go out in one write (a table is one write, not one per row); warnings and
  // the prompt flush what is pending first, so the order on the terminal stays as written.
  let pending = '';
  let flushing: NodeJS.Immediate | undefined;
  const flush = (): void => {
    if (flushing) clearImmediate(flushing);
    flushing = undefined;
    if (pending === '') return;
    process.stdout.write(pending);
    pending = '';
  };
  const out: Output = {
    write: (t) => {
      pending += t;
      flushing ??= setImmediate(flush);
    },
    warn: (t) => {
      flush();
      process.stderr.write(t);
    },
    flush,
    columns: process.stdout.columns ?? 120,
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
  let token: string | undefined;
  let opened;
  try {
    token = tokenOf(config, flags.authToken);
    opened = await openConnection(config, { connect: flags.connect, token, deferLocal: interactive });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const historyFile = flags.historyFile ?? cc.history.file;
  const history = new History(
    interactive && cc.history.save_on_exit ? expandHome(historyFile) : undefined,
    cc.history.max_entries,
  );
  const vars = new Variables({
    caseSensitive: cc.variables.case_sensitive,
    autoExportEnv: cc.variables.auto_export_env,
    env: process.env,
  });
  for (const [k, v] of Object.entries(cc.variables.predefined)) vars.set(k, v);
  const timeoutMs = cc.default_connection.timeout * 1000;
  const session = new Session({
    client: opened.client,
    vars,
    out,
    history,
    searchPaths: cc.scripts.search_paths,
    continueOnError: flags.continueOnError === true,
    connect: async (target) =>
      target === 'local' ? openLocal(config) : new HttpClient(target, token, timeoutMs),
    // The prompt library is loaded when a task's input is first asked for, not at start.
    promptInput: interactive
      ? async (schema) => (await import('../console/prompt-input.ts')).promptForInput(schema)
      : undefined,
  });
  let ok = true;
  try {
    if (interactive) out.write(`Ratchet console — ${opened.note}. \`help\` lists commands, Ctrl-D leaves.\n`);
    for (const file of cc.scripts.auto_source) {
      if (existsSync(expandHome(file))) ok = (await session.source(expandHome(file))) && ok;
    }
    if (flags.script !== undefined) {
      let text: string;
      try {
        text = await readFile(session.resolveScript(flags.script), 'utf8');
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      ok = (await session.runScript(text, flags.script)) && ok;
    } else if (!interactive) {
      ok = (await session.runScript(await readStdin(), '<stdin>')) && ok;
    } else {
      const { runInteractive } = await import('../console/repl.ts');
      await runInteractive(session, history, out.color);
    }
  } finally {
    flush();
    await session.client.close();
  }
  if (!ok) throw new CliExit(1);
}

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('interactive administration console (local store or a server over the REST API)')
    .option('--connect <url>', 'server to connect to (http://host:port), or `local` for the local store')
    .option('--auth-token <token>', 'API key for the server (default: RATCHET_API_KEY)')
    .option('--script <file>', 'run a .rsh script and exit (exit 1 at the first failing command)')
    .option('--continue-on-error', 'keep running a script after a failing command (still exit 1)')
    .option('--history-file <file>', 'history file (default console.history.file)')
    .action((flags: ConsoleFlags, cmd: Command) => runConsole(flags, cmd));
}
