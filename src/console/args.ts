// Per-command argument parsing: positionals, `--flag VALUE` / `--flag=VALUE` for the flags a
// command declares, and `--json` everywhere. Anything else is a usage error naming the flag.

export class ConsoleUsageError extends Error {
  readonly usage: string;
  constructor(message: string, usage: string) {
    super(message);
    this.name = 'ConsoleUsageError';
    this.usage = usage;
  }
}

export interface Args {
  pos: string[];
  opts: Record<string, string>;
  json: boolean;
}

export function parseArgs(words: string[], valued: readonly string[], usage: string): Args {
  const args: Args = { pos: [], opts: {}, json: false };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('--') || w === '--') {
      args.pos.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    const name = eq === -1 ? w.slice(2) : w.slice(2, eq);
    if (name === 'json' && eq === -1) {
      args.json = true;
      continue;
    }
    if (!valued.includes(name)) throw new ConsoleUsageError(`unknown option --${name}`, usage);
    const value = eq === -1 ? words[++i] : w.slice(eq + 1);
    if (value === undefined) throw new ConsoleUsageError(`--${name} needs a value`, usage);
    args.opts[name] = value;
  }
  return args;
}

/** Parses a JSON argument; the error gives the position, as JSON.parse reports it. */
export function parseJsonArg(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${flag} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}
