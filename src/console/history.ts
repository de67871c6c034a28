// Console history: kept in memory, persisted to console.history.file (one line each, at most
// max_entries), with secrets left out: anything with --auth-token, and `set` of a variable whose
// name says it is a secret (TOKEN, SECRET, PASSWORD, KEY, …).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL)/i;

export function isSecret(line: string): boolean {
  if (/--auth-token\b/.test(line)) return true;
  const set = /^\s*set\s+([^\s=]+)\s*=/.exec(line);
  return set !== null && SECRET_NAME.test(set[1]!);
}

export class History {
  private readonly entries: string[];
  private readonly file: string | undefined;
  private readonly max: number;

  /** `file` undefined: memory only. */
  constructor(file: string | undefined, max: number) {
    this.file = file;
    this.max = max;
    let loaded: string[] = [];
    if (file) {
      try {
        loaded = readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l !== '');
      } catch {
        loaded = [];
      }
    }
    this.entries = loaded.slice(-max);
    if (file && loaded.length > max) this.rewrite();
  }

  lines(): string[] {
    return [...this.entries];
  }

  add(line: string): void {
    const l = line.trim();
    if (l === '' || isSecret(l) || this.max === 0 || this.entries.at(-1) === l) return;
    this.entries.push(l);
    if (!this.file) return;
    if (this.entries.length > this.max) {
      this.entries.splice(0, this.entries.length - this.max);
      this.rewrite();
    } else {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${l}\n`, { mode: 0o600 });
    }
  }

  private rewrite(): void {
    mkdirSync(dirname(this.file!), { recursive: true });
    writeFileSync(this.file!, this.entries.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  }
}
