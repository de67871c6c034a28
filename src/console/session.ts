// One console session: expands variables, runs built-ins (set, vars, env, source, history, help,
// connect, exit) and resource commands through the client, reports errors with the script file
// and line they come from, and records history (without secrets).
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { homedir } from 'node:os';
import { closest } from '../config/errors.ts';
import type { ConsoleClient } from './client.ts';
import { ConsoleUsageError } from './args.ts';
import { COMMANDS, SINGLE, runResource, type LiveView } from './commands.ts';
import { json, type Output } from './format.ts';
import type { Variables } from './variables.ts';
import { splitWords } from './words.ts';
import type { History } from './history.ts';

export const BUILTINS = [
  'set',
  'unset',
  'vars',
  'env',
  'source',
  'history',
  'help',
  'connect',
  'exit',
  'quit',
];
export const ALL_COMMANDS = [...Object.keys(COMMANDS), ...Object.keys(SINGLE), ...BUILTINS].sort();

export interface SessionOptions {
  client: ConsoleClient;
  vars: Variables;
  out: Output;
  history: History;
  /** Opens a client for `connect URL` (or `connect local`). */
  connect: (target: string) => Promise<ConsoleClient>;
  searchPaths: string[];
  continueOnError: boolean;
  promptInput?: (schema: unknown) => Promise<unknown>;
}

export interface Origin {
  file: string;
  line: number;
}

const HELP: Record<string, string> = {
  set: 'set NAME = VALUE      define a variable (set -u / set +u: unknown variables are errors / warnings)',
  unset: 'unset NAME            remove a variable',
  vars: 'vars                  list variables',
  env: 'env [NAME]            show environment variables',
  source: 'source FILE           run a .rsh script (cwd, then console.scripts.search_paths)',
  history: 'history [PATTERN]     list history lines, or those containing PATTERN',
  help: 'help [COMMAND]        list commands, or the usage of one',
  connect: 'connect URL|local     connect to a server (http://host:port) or open the local store',
  exit: 'exit, quit, Ctrl-D    leave the console',
};

export class Session {
  client: ConsoleClient;
  done = false;
  /** The error of the last line that failed (the prompt shows an unreachable server). */
  lastError: unknown;
  /** Set by the interactive loop: a typed prompt needs the terminal to itself meanwhile. */
  holdTerminal: (<T>(fn: () => Promise<T>) => Promise<T>) | undefined;
  /** Set by the interactive loop: full-screen views (monitor). */
  live: LiveView | undefined;
  private readonly o: SessionOptions;
  constructor(opts: SessionOptions) {
    this.o = opts;
    this.client = opts.client;
  }
  get vars(): Variables {
    return this.o.vars;
  }
  get out(): Output {
    return this.o.out;
  }

  /** Runs one line; false when it failed (the error is already printed). */
  async runLine(raw: string, origin?: Origin): Promise<boolean> {
    const at = origin ? `${origin.file}:${origin.line}: ` : '';
    try {
      await this.exec(raw, origin);
      this.lastError = undefined;
      return true;
    } catch (err) {
      this.lastError = err;
      const e = err as Error;
      this.out.warn(`error: ${at}${e.message}\n`);
      if (err instanceof ConsoleUsageError) this.out.warn(`usage:\n${err.usage.replace(/^(?! )/gm, '  ')}\n`);
      return false;
    }
  }

  private async exec(raw: string, origin?: Origin): Promise<void> {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const warn = (m: string) =>
      this.out.warn(`warning: ${origin ? `${origin.file}:${origin.line}: ` : ''}${m}\n`);
    const assign = /^set\s+([^\s=]+)\s*=\s*(.*)$/.exec(line);
    if (assign) {
      const value = splitWords(this.vars.expand(assign[2]!, warn)).join(' ');
      this.vars.set(assign[1]!, value);
      return;
    }
    const words = splitWords(this.vars.expand(line, warn));
    const [name, ...rest] = words;
    if (name === undefined) return;
    if (name in COMMANDS || name in SINGLE) {
      const ask = this.o.promptInput;
      const hold = this.holdTerminal ?? (<T>(fn: () => Promise<T>) => fn());
      const promptInput = ask && ((schema: unknown) => hold(() => ask(schema)));
      await runResource(words, { client: this.client, out: this.out, promptInput, live: this.live });
      return;
    }
    switch (name) {
      case 'set':
        if (rest[0] === '-u' || rest[0] === '+u') this.vars.strict = rest[0] === '-u';
        else throw new ConsoleUsageError('set needs NAME = VALUE', HELP.set!);
        return;
      case 'unset':
        if (rest.length !== 1) throw new ConsoleUsageError('unset needs one NAME', HELP.unset!);
        if (!this.vars.unset(rest[0]!)) throw new Error(`no variable ${rest[0]}`);
        return;
      case 'vars': {
        const entries = this.vars.entries();
        if (rest.includes('--json')) return json(this.out, Object.fromEntries(entries));
        for (const [k, v] of entries) this.out.write(`${k}=${v}\n`);
        if (entries.length === 0) this.out.write('(no variables)\n');
        return;
      }
      case 'env': {
        if (rest.length > 1) throw new ConsoleUsageError('env takes at most one NAME', HELP.env!);
        if (rest[0] !== undefined) {
          const v = process.env[rest[0]];
          if (v === undefined) throw new Error(`environment variable ${rest[0]} is not set`);
          this.out.write(`${v}\n`);
        } else for (const k of Object.keys(process.env).sort()) this.out.write(`${k}=${process.env[k]}\n`);
        return;
      }
      case 'source':
        if (rest.length !== 1) throw new ConsoleUsageError('source needs one FILE', HELP.source!);
        if (!(await this.source(rest[0]!))) throw new Error(`${rest[0]} stopped at a failing command`);
        return;
      case 'history': {
        const pattern = rest.join(' ');
        const lines = this.o.history.lines().filter((l) => l.includes(pattern));
        lines.forEach((l) => this.out.write(`${l}\n`));
        return;
      }
      case 'help':
        return this.help(rest[0]);
      case 'connect': {
        if (rest.length !== 1) throw new ConsoleUsageError('connect needs a URL (or local)', HELP.connect!);
        const next = await this.o.connect(rest[0]!);
        await this.client.close();
        this.client = next;
        this.out.write(`connected to ${next.where}\n`);
        return;
      }
      case 'exit':
      case 'quit':
        this.done = true;
        return;
    }
    const near = closest(name, ALL_COMMANDS);
    throw new Error(
      `unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''}; \`help\` lists commands`,
    );
  }

  private help(topic?: string): void {
    if (topic === undefined) {
      for (const [name, subs] of Object.entries(COMMANDS))
        this.out.write(`${name.padEnd(10)} ${Object.keys(subs).join('|')}\n`);
      for (const [name, s] of Object.entries(SINGLE)) this.out.write(`${name.padEnd(10)} ${s.summary}\n`);
      for (const h of Object.values(HELP)) this.out.write(`${h}\n`);
      this.out.write('Any command takes --json for the raw result.\n');
      return;
    }
    const subs = COMMANDS[topic];
    if (subs) {
      for (const s of Object.values(subs)) this.out.write(`${s.usage.padEnd(50)} ${s.summary}\n`);
    } else if (SINGLE[topic]) {
      this.out.write(`${SINGLE[topic].usage.padEnd(50)} ${SINGLE[topic].summary}\n`);
    } else if (HELP[topic] || topic === 'quit') {
      this.out.write(`${HELP[topic] ?? HELP.exit}\n`);
    } else {
      const near = closest(topic, ALL_COMMANDS);
      throw new Error(`no command '${topic}'${near ? ` (did you mean '${near}'?)` : ''}`);
    }
  }

  /** Finds a script: as given (~ expanded), then in each search path. */
  resolveScript(file: string): string {
    const expand = (p: string) => (p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : resolve(p));
    const candidates = [expand(file), ...this.o.searchPaths.map((d) => resolve(expand(d), file))];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new Error(`script ${file} not found (looked in ${candidates.join(', ')})`);
    return found;
  }

  /** Runs a script; false when a command failed (it stops there unless continue-on-error). */
  async source(file: string): Promise<boolean> {
    const path = this.resolveScript(file);
    const text = await readFile(path, 'utf8');
    return this.runScript(text, file);
  }

  async runScript(text: string, file: string): Promise<boolean> {
    let ok = true;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length && !this.done; i++) {
      if (!(await this.runLine(lines[i]!, { file, line: i + 1 }))) {
        ok = false;
        if (!this.o.continueOnError) break;
      }
    }
    return ok;
  }
}
