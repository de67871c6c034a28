// A small JSON scanner used only off the hot path: V8's JSON.parse messages do not always carry a
// position ("Unexpected token '}', ... is not valid JSON"), so when parsing fails we rescan to find
// where and why; and when a JSON value is wrong (e.g. `$.version`) we rescan to find its line.
// Kept rather than jsonc-parser (measured against the same cases): jsonc-parser is a tolerant
// parser whose errors are coarse codes at the wrong place for a strict-JSON author: a raw newline
// inside a string is "UnexpectedEndOfString" at the string's start, a trailing comma is
// "ValueExpected", `01` is "CommaExpected"; this scanner names the character, the key and the fix.
import { appendIndex, appendKey } from './json-path.ts';

export interface ScanError {
  offset: number;
  message: string;
}

class Stop extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return 'end of input';
  return `character ${JSON.stringify(ch)}`;
}

class Scanner {
  private pos = 0;
  private readonly text: string;
  private readonly locations: Map<string, number> | undefined;

  constructor(text: string, locations: Map<string, number> | undefined) {
    this.text = text;
    this.locations = locations;
  }

  run(): void {
    this.skipWs();
    this.value('$');
    this.skipWs();
    if (this.pos < this.text.length) {
      throw new Stop(this.pos, `unexpected ${describe(this.text[this.pos])} after the JSON value`);
    }
  }

  private skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else break;
    }
  }

  private value(path: string): void {
    this.locations?.set(path, this.pos);
    const c = this.text[this.pos];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (this.text.startsWith('true', this.pos)) this.pos += 4;
    else if (this.text.startsWith('false', this.pos)) this.pos += 5;
    else if (this.text.startsWith('null', this.pos)) this.pos += 4;
    else if (c === "'") throw new Stop(this.pos, 'strings must use double quotes, not single quotes');
    else throw new Stop(this.pos, `unexpected ${describe(c)} (expected a JSON value)`);
  }

  private object(path: string): void {
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWs();
      const c = this.text[this.pos];
      if (c === '}') throw new Stop(this.pos, 'trailing comma before "}" is not allowed in JSON');
      if (c !== '"') {
        throw new Stop(this.pos, `unexpected ${describe(c)} (expected a property name in double quotes)`);
      }
      const start = this.pos;
      this.string();
      const key = JSON.parse(this.text.slice(start, this.pos)) as string;
      this.skipWs();
      if (this.text[this.pos] !== ':') {
        throw new Stop(this.pos, `unexpected ${describe(this.text[this.pos])} (expected ":" after "${key}")`);
      }
      this.pos++;
      this.skipWs();
      this.value(appendKey(path, key));
      this.skipWs();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
      } else if (next === '}') {
        this.pos++;
        return;
      } else {
        throw new Stop(
          this.pos,
          `unexpected ${describe(next)} (expected "," or "}" after the value of "${key}")`,
        );
      }
    }
  }

  private array(path: string): void {
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.skipWs();
      if (this.text[this.pos] === ']')
        throw new Stop(this.pos, 'trailing comma before "]" is not allowed in JSON');
      this.value(appendIndex(path, index));
      this.skipWs();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
      } else if (next === ']') {
        this.pos++;
        return;
      } else {
        throw new Stop(this.pos, `unexpected ${describe(next)} (expected "," or "]" in the array)`);
      }
    }
  }

  private string(): void {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        this.pos++;
        return;
      }
      if (c < 0x20) throw new Stop(this.pos, 'control character (such as a raw newline) inside a string');
      if (c === 0x5c) {
        const e = t[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
            throw new Stop(this.pos, 'bad \\u escape (expected four hex digits)');
          }
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e))
          throw new Stop(this.pos, `bad escape "\\${e ?? ''}"`);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    throw new Stop(start, 'string is not closed (missing ")');
  }

  private number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
      this.text.slice(this.pos, this.pos + 400),
    );
    if (!match) throw new Stop(this.pos, 'malformed number');
    this.pos += match[0].length;
  }
}

/** Finds the first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonError(text: string): ScanError | undefined {
  try {
    new Scanner(text, undefined).run();
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    // Nesting deep enough to overflow the stack: JSON.parse told us the text is bad; say so plainly.
    return { offset: 0, message: 'invalid JSON (nested too deeply to locate the error)' };
  }
}

/** Maps every readable path (`$.a.b[0]`) of valid JSON text to the offset where its value starts. */
export function jsonValueOffsets(text: string): Map<string, number> {
  const locations = new Map<string, number>();
  try {
    new Scanner(text, locations).run();
  } catch {
    // Partial locations are still useful; an error here is reported by the parser elsewhere.
  }
  return locations;
}

export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
