// The lint rules of lint.ts without a parser: comments, strings and template literals are blanked
// (positions kept), then the rules match tokens. Used when acorn is not installed; it cannot see
// scopes, so a local variable named like a Node API is only skipped when declared with
// const/let/var/function in the same file.
import { FIXES, NODE_GLOBALS, type LintFinding } from './lint-rules.ts';

/** The code with comment and string contents replaced by spaces (newlines kept). */
export function blankLiterals(code: string): string {
  const out = code.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let j = from; j < to; j++) if (out[j] !== '\n') out[j] = ' ';
  };
  while (i < code.length) {
    const c = code[i]!;
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      const stop = end < 0 ? code.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? code.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else i++;
  }
  return out.join('');
}

function position(code: string, offset: number): { line: number; column: number } {
  const before = code.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

export function scanFindings(code: string, wrapped: boolean): LintFinding[] {
  const text = blankLiterals(code);
  const findings: LintFinding[] = [];
  const add = (
    offset: number,
    rule: string,
    severity: LintFinding['severity'],
    message: string,
    fix: string,
  ) => findings.push({ rule, severity, ...position(code, offset), message, fix });
  const each = (re: RegExp, fn: (m: RegExpExecArray) => void) => {
    for (const m of text.matchAll(re)) fn(m);
  };

  const trimmed = text.trim();
  const wrapperOk =
    wrapped ||
    /^\(\s*(async\s+)?(function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/.test(trimmed) ||
    /\bfunction\s+main\s*\(/.test(trimmed);
  if (!wrapperOk) {
    add(
      text.search(/\S/),
      'function-wrapper',
      'error',
      'main.js does not evaluate to a function: the task must be a function expression such as (function(input, context) { ... })',
      FIXES.wrapper,
    );
  }
  const declared = new Set<string>();
  each(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g, (m) => declared.add(m[1]!));
  each(/(?<![.\w$])require\s*\(/g, (m) =>
    add(
      m.index,
      'no-modules',
      'error',
      '`require(` is not available in the sandbox (there are no modules)',
      FIXES.require,
    ),
  );
  each(/(?<![.\w$])import\s*\(/g, (m) =>
    add(
      m.index,
      'no-modules',
      'error',
      '`import(` is not available in the sandbox (there are no modules)',
      FIXES.require,
    ),
  );
  for (const name of Object.keys(NODE_GLOBALS)) {
    if (declared.has(name)) continue;
    each(new RegExp(`(?<![.\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])(?!\\s*:)`, 'g'), (m) =>
      add(
        m.index,
        'no-node-apis',
        'error',
        `\`${name}\` is a Node.js API: ${NODE_GLOBALS[name]}`,
        FIXES.require,
      ),
    );
  }
  each(/(?<![.\w$])fetch\s*\([^;]*?\)\s*\.\s*(then|catch|finally)\b/g, (m) =>
    add(
      m.index,
      'fetch-promise',
      'error',
      `fetch(...).${m[1]}: fetch returns the response object, not a promise`,
      FIXES.then,
    ),
  );
  each(/\bawait\s+fetch\s*\(/g, (m) =>
    add(
      m.index,
      'fetch-await',
      'warning',
      '`await fetch(...)`: fetch is synchronous and returns the response directly',
      FIXES.await,
    ),
  );
  each(/\bthrow\s+["'`]/g, (m) =>
    add(
      m.index,
      'throw-error-object',
      'warning',
      'throws a plain value: the error type becomes "Error" and no stack or class is kept',
      FIXES.throwString,
    ),
  );
  each(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?fetch\s*\(/g, (m) => {
    const name = m[1]!;
    const esc = name.replace(/\$/g, '\\$');
    for (const call of text.matchAll(
      new RegExp(`(?<![.\\w$])${esc}\\s*\\.\\s*(json|text|arrayBuffer)\\s*\\(`, 'g'),
    ))
      add(
        call.index,
        'fetch-body',
        'error',
        `response.${call[1]}() does not exist: the response is a plain object`,
        FIXES.json,
      );
    if (!new RegExp(`(?<![.\\w$])${esc}\\s*\\.\\s*(ok|status)\\b`).test(text))
      add(
        m.index,
        'fetch-check-ok',
        'warning',
        `the response in \`${name}\` is used without checking ${name}.ok (fetch returns non-2xx responses, it does not throw)`,
        FIXES.ok,
      );
  });
  const head = /^\(\s*(?:async\s+)?function\s*[\w$]*\s*\(\s*([A-Za-z_$][\w$]*)/.exec(trimmed);
  if (head) {
    const name = head[1]!;
    const offset = text.indexOf(name, text.indexOf('function'));
    const rest = text.slice(offset + name.length);
    if (!new RegExp(`(?<![.\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(rest))
      add(offset, 'unused-input', 'warning', `the input parameter \`${name}\` is never used`, FIXES.input);
  }
  return findings;
}
