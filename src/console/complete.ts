// Tab completion: commands, subcommands, flags, live values from the connection (task names and
// ids, job and execution ids, repository names, schedule ids), variable names after $, and file
// paths after `source`. Live values are cached for a few seconds so Tab stays quick.
import { readdirSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { Resource } from './client.ts';
import { COMMANDS } from './commands.ts';
import { ALL_COMMANDS, type Session } from './session.ts';
import { splitWords } from './words.ts';

const LIVE: Record<string, { resource: Resource; fields: string[] }> = {
  task: { resource: 'tasks', fields: ['name', 'id'] },
  job: { resource: 'jobs', fields: ['id'] },
  execution: { resource: 'executions', fields: ['id'] },
  schedule: { resource: 'schedules', fields: ['id', 'name'] },
  repo: { resource: 'repositories', fields: ['name'] },
};
const CACHE_MS = 3000;

export class Completer {
  private readonly cache = new Map<Resource, { at: number; values: string[] }>();
  private readonly session: Session;
  constructor(session: Session) {
    this.session = session;
  }

  private async live(cmd: string): Promise<string[]> {
    const spec = LIVE[cmd];
    if (!spec) return [];
    const hit = this.cache.get(spec.resource);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.values;
    try {
      const page = await this.session.client.list(spec.resource, { limit: '200' });
      const values = [...new Set(page.data.flatMap((r) => spec.fields.map((f) => String(r[f]))))];
      this.cache.set(spec.resource, { at: Date.now(), values });
      return values;
    } catch {
      return [];
    }
  }

  private static files(prefix: string): string[] {
    const dir = prefix.endsWith('/') ? prefix : dirname(prefix);
    const base = prefix.endsWith('/') ? '' : basename(prefix);
    try {
      return readdirSync(dir === '' ? '.' : dir)
        .filter((f) => f.startsWith(base))
        .map((f) => {
          const full = prefix.includes('/') ? join(dir, f) : f;
          return statSync(full).isDirectory() ? `${full}/` : full;
        });
    } catch {
      return [];
    }
  }

  /** readline's completer contract: [candidates, the text they replace]. */
  async complete(line: string): Promise<[string[], string]> {
    const endsWithSpace = /\s$/.test(line) || line === '';
    let words: string[];
    try {
      words = splitWords(line);
    } catch {
      return [[], line];
    }
    const current = endsWithSpace ? '' : (words.pop() ?? '');
    const pick = (all: string[]) => {
      // A trailing space, so a completed word is followed by the next one, as in a shell.
      const hits = all
        .filter((c) => c.startsWith(current))
        .sort()
        .map((c) => `${c} `);
      return [hits, current] as [string[], string];
    };
    const dollar = /\$\{?([A-Za-z0-9_]*)$/.exec(current);
    if (dollar) {
      const head = current.slice(0, current.length - dollar[1]!.length);
      const names = this.session.vars.names().filter((n) => n.startsWith(dollar[1]!));
      return [names.map((n) => `${head}${n}${head.endsWith('{') ? '}' : ''}`), current];
    }
    if (words.length === 0) return pick(ALL_COMMANDS);
    const [cmd, sub] = words;
    if (cmd === 'source') return [Completer.files(current), current];
    if (cmd === 'help') return words.length === 1 ? pick(ALL_COMMANDS) : [[], current];
    const subs = COMMANDS[cmd!];
    if (!subs) return [[], current];
    if (words.length === 1) return pick(Object.keys(subs));
    const spec = subs[sub!];
    if (!spec) return [[], current];
    if (current.startsWith('-')) return pick([...(spec.flags ?? []).map((f) => `--${f}`), '--json']);
    if (words.length === 2 && spec.arity !== 0)
      return pick(await this.live(cmd === 'job' && sub === 'enqueue' ? 'task' : cmd!));
    return [[], current];
  }
}
