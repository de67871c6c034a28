// The parseable program behind a task's main.js. The sandbox accepts three shapes (entry.ts); a bare
// `function (input) { … }` is not a program on its own, so it is wrapped in parentheses the same
// way the sandbox wraps it — on the same lines, so every line number stays the one the author sees.
import { parse, type Program } from 'acorn';

export interface TaskProgram {
  /** Source that parses as a script and evaluates exactly like the original in the sandbox. */
  code: string;
  ast: Program;
}

export class SourceError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(message);
    this.name = 'SourceError';
    this.line = line;
  }
}

const OPTIONS = { ecmaVersion: 'latest', sourceType: 'script', locations: true } as const;

// Parsed once per source: coverage describes the same main.js after every suite run.
const programs = new Map<string, TaskProgram>();

export function taskProgram(code: string): TaskProgram {
  const hit = programs.get(code);
  if (hit) return hit;
  const program = parseProgram(code);
  if (programs.size >= 100) programs.clear();
  programs.set(code, program);
  return program;
}

function parseProgram(code: string): TaskProgram {
  try {
    return { code, ast: parse(code, OPTIONS) };
  } catch (first) {
    const wrapped = `(${code}\n)`;
    try {
      return { code: wrapped, ast: parse(wrapped, OPTIONS) };
    } catch {
      const e = first as { message?: string; loc?: { line: number } };
      throw new SourceError(`main.js does not parse: ${e.message ?? String(first)}`, e.loc?.line);
    }
  }
}
