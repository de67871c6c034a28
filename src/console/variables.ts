// Console variables and their shell-style expansion: $NAME, ${NAME}, ${ENV:NAME}, ${NAME:-default},
// ${NAME:+value}, defaults that nest (${ENV:API_BASE_URL:-http://localhost:8080} or
// ${A:-${B}}), and \$ for a literal dollar. Expansion also happens inside quotes, so JSON
// arguments such as '{"url": "$API_URL"}' get their values (the brief's examples rely on it).

export interface VariableOptions {
  caseSensitive: boolean;
  autoExportEnv: boolean;
  env: NodeJS.ProcessEnv;
}

export class Variables {
  private readonly values = new Map<string, string>();
  /** `set -u`: unknown variables are an error instead of a warning. */
  strict = false;
  private readonly opts: VariableOptions;

  constructor(opts: VariableOptions) {
    this.opts = opts;
  }

  private key(name: string): string {
    return this.opts.caseSensitive ? name : name.toUpperCase();
  }
  set(name: string, value: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`invalid variable name ${JSON.stringify(name)} (letters, digits and _)`);
    this.values.set(this.key(name), value);
    if (this.opts.autoExportEnv) this.opts.env[name] = value;
  }
  unset(name: string): boolean {
    if (this.opts.autoExportEnv) delete this.opts.env[name];
    return this.values.delete(this.key(name));
  }
  get(name: string): string | undefined {
    return this.values.get(this.key(name));
  }
  entries(): [string, string][] {
    return [...this.values].sort(([a], [b]) => a.localeCompare(b));
  }
  names(): string[] {
    return [...this.values.keys()].sort();
  }

  /** Expands `text`; `warn` hears about unknown variables (an error under `set -u`). */
  expand(text: string, warn: (message: string) => void): string {
    let i = 0;
    const lookup = (name: string): string | undefined => {
      if (name.startsWith('ENV:')) return this.opts.env[name.slice(4)];
      return this.get(name);
    };
    const missing = (name: string): string => {
      const message = `unknown variable ${name} (expanded to empty; define it with \`set ${name} = …\`)`;
      if (this.strict) throw new Error(message.replace(' (expanded to empty;', ' (set -u is on;'));
      warn(message);
      return '';
    };
    // Reads up to the `}` that closes the current ${…}, expanding nested ${…} inside defaults.
    const braced = (): string => {
      const start = i;
      let name = '';
      while (
        i < text.length &&
        /[A-Za-z0-9_:]/.test(text[i]!) &&
        !text.startsWith(':-', i) &&
        !text.startsWith(':+', i)
      )
        name += text[i++];
      let op = '';
      let word = '';
      if (text.startsWith(':-', i) || text.startsWith(':+', i)) {
        op = text.slice(i, i + 2);
        i += 2;
        word = until();
      }
      if (text[i] !== '}') throw new Error(`unclosed \${ at column ${start - 1}: ${text}`);
      i++;
      if (!/^(ENV:)?[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        throw new Error(`invalid variable reference \${${name}} at column ${start - 1}`);
      const value = lookup(name);
      const isSet = value !== undefined && value !== '';
      if (op === ':-') return isSet ? value : word;
      if (op === ':+') return isSet ? word : '';
      return value ?? missing(name);
    };
    const until = (): string => {
      let out = '';
      while (i < text.length && text[i] !== '}') out += step();
      return out;
    };
    const step = (): string => {
      const c = text[i]!;
      if (c === '\\' && text[i + 1] === '$') {
        i += 2;
        return '$';
      }
      if (c !== '$') {
        i++;
        return c;
      }
      if (text[i + 1] === '{') {
        i += 2;
        return braced();
      }
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (!m) {
        i++;
        return '$';
      }
      i += 1 + m[0].length;
      return lookup(m[0]) ?? missing(m[0]);
    };
    let out = '';
    while (i < text.length) out += step();
    return out;
  }
}
