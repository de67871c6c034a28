// Syntax check of main.js without running it. V8 only parses here (vm.Script compiles, it does not
// execute), so this is safe for untrusted code; the sandbox decides later what the code does.
import vm from 'node:vm';
import type { Problem } from './types.ts';

/** `as-written`: a global `main` or a script whose value is a function; `wrapped`: a bare function expression. */
export type CodeShape = 'as-written' | 'wrapped';

export interface CodeCheck {
  shape?: CodeShape;
  problems: Problem[];
}

function compiles(code: string): SyntaxError | undefined {
  try {
    new vm.Script(code, { filename: 'main.js' });
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxError) return e;
    throw e;
  }
}

/**
 * V8 puts the location in the stack, not the message: "main.js:3\n<source line>\n    ^^^\n\nSyntaxError: …".
 * The caret line gives the column; without carets (end of input) the column is just past the line.
 */
export function syntaxErrorLocation(err: Error, filename = 'main.js'): { line?: number; column?: number } {
  const lines = (err.stack ?? '').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${filename}:`));
  if (at < 0) return {};
  const line = Number(lines[at]!.slice(filename.length + 1));
  if (!Number.isInteger(line)) return {};
  const source = lines[at + 1] ?? '';
  const caret = (lines[at + 2] ?? '').indexOf('^');
  return { line, column: caret >= 0 ? caret + 1 : source.length + 1 };
}

export function checkMainJs(code: string, file = 'main.js'): CodeCheck {
  if (code.trim() === '') {
    return {
      problems: [
        {
          severity: 'error',
          file,
          message: 'main.js is empty (expected a function, e.g. (function(input, context) { return {}; }))',
        },
      ],
    };
  }
  const original = compiles(code);
  if (!original) return { shape: 'as-written', problems: [] };
  // The newline keeps a trailing `// comment` from swallowing the closing parenthesis.
  const wrapped = compiles(`(${code}\n)`);
  if (!wrapped) return { shape: 'wrapped', problems: [] };
  // Report the error of the code as written, except when the file is a bare `function(...)` whose
  // only complaint as written is the missing name: then the real mistake is inside the body and the
  // wrapped attempt found it (its column on line 1 is shifted by the added parenthesis).
  if (/function statements require a function name/i.test(original.message)) {
    const where = syntaxErrorLocation(wrapped);
    if (where.line === 1 && where.column !== undefined) where.column = Math.max(1, where.column - 1);
    return { problems: [{ severity: 'error', file, ...where, message: `syntax error: ${wrapped.message}` }] };
  }
  const where = syntaxErrorLocation(original);
  return {
    problems: [{ severity: 'error', file, ...where, message: `syntax error: ${original.message}` }],
  };
}

const MODULE_PATTERNS: { re: RegExp; what: string }[] = [
  {
    re: /\brequire\s*\(/,
    what: '`require(` is not available in the sandbox (no modules); inline the code instead',
  },
  {
    re: /(^|[;\s])import(\s+[\w{*'"]|\s*\()/m,
    what: '`import` is not available in the sandbox (no modules); inline the code instead',
  },
];

/** Warnings for code that will certainly fail inside the sandbox: module loading. */
export function moduleUseWarnings(code: string, file = 'main.js'): Problem[] {
  const problems: Problem[] = [];
  for (const { re, what } of MODULE_PATTERNS) {
    const m = re.exec(code);
    if (!m) continue;
    const offset = m.index + (m[1]?.length ?? 0);
    const before = code.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    problems.push({ severity: 'warning', file, line, column, message: what });
  }
  return problems;
}
