// The lint rules of lint.ts on an acorn AST, walked with acorn-walk.
import type * as Acorn from 'acorn';
import { fullAncestor } from 'acorn-walk';
import { FIXES, NODE_GLOBALS, type LintEdit, type LintFinding } from './lint-rules.ts';

// A loose view of ESTree nodes: the rules read a handful of fields by name.
interface N {
  type: string;
  loc?: { start: { line: number; column: number } };
  [key: string]: unknown;
}

const isNode = (v: unknown): v is N =>
  v !== null && typeof v === 'object' && typeof (v as N).type === 'string';

/**
 * Every node under `node` with its parent (`parent` for `node` itself). acorn-walk skips what is
 * never a reference (non-computed member names and keys, labels), which isReference also excludes.
 */
function walk(node: N, parent: N | null, visit: (n: N, parent: N | null) => void): void {
  fullAncestor(node as unknown as Acorn.Node, (n, _state, ancestors) => {
    const above = ancestors.length > 1 ? (ancestors[ancestors.length - 2] as unknown as N) : parent;
    visit(n as unknown as N, above);
  });
}

/** Names a pattern binds (`a`, `{ a, b: [c] }`, `...rest`, `x = 1`). */
function boundNames(p: unknown, out: Set<string>): void {
  if (!isNode(p)) return;
  if (p.type === 'Identifier') out.add(p.name as string);
  else if (p.type === 'ObjectPattern')
    for (const prop of p.properties as N[])
      boundNames(prop.type === 'RestElement' ? prop.argument : prop.value, out);
  else if (p.type === 'ArrayPattern') for (const el of p.elements as unknown[]) boundNames(el, out);
  else if (p.type === 'RestElement') boundNames(p.argument, out);
  else if (p.type === 'AssignmentPattern') boundNames(p.left, out);
}

/** True when this Identifier is a reference (not a property name, key or label). */
function isReference(id: N, parent: N | null): boolean {
  if (!parent) return true;
  if (parent.type === 'MemberExpression') return parent.object === id || parent.computed === true;
  if (
    parent.type === 'Property' ||
    parent.type === 'MethodDefinition' ||
    parent.type === 'PropertyDefinition'
  )
    return parent.value === id || parent.computed === true;
  return !['LabeledStatement', 'BreakStatement', 'ContinueStatement'].includes(parent.type);
}

const isFetchCall = (n: unknown): boolean =>
  isNode(n) &&
  n.type === 'CallExpression' &&
  isNode(n.callee) &&
  n.callee.type === 'Identifier' &&
  n.callee.name === 'fetch';

/** `x` as the object of a member access: parenthesised unless it binds tighter (`(await f()).body`). */
const memberBase = (n: N, code: string): string =>
  ['Identifier', 'MemberExpression', 'CallExpression', 'ThisExpression'].includes(n.type)
    ? code
    : `(${code})`;

const unwrapAwait = (n: unknown): unknown => (isNode(n) && n.type === 'AwaitExpression' ? n.argument : n);

/** The function main.js evaluates to: last statement a function expression, or `function main`. */
function entryFunction(program: N): N | 'other' | undefined {
  const body = program.body as N[];
  const last = body.at(-1);
  if (last?.type === 'ExpressionStatement') {
    const e = last.expression as N;
    if (e.type === 'FunctionExpression' || e.type === 'ArrowFunctionExpression') return e;
    // `function f() {}; f` and similar: a value we cannot judge statically.
    if (e.type === 'Identifier' || e.type === 'CallExpression') return 'other';
  }
  return body.find((s) => s.type === 'FunctionDeclaration' && isNode(s.id) && s.id.name === 'main');
}

/** The findings, those with a mechanical fix carrying its `edit` (offsets into `code`). */
export function astFindings(
  acorn: typeof Acorn,
  code: string,
  wrapped: boolean,
): (LintFinding & { edit?: LintEdit })[] {
  const source = wrapped ? `(${code}\n)` : code;
  const program = acorn.parse(source, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    locations: true,
  }) as unknown as N;
  const findings: (LintFinding & { edit?: LintEdit })[] = [];
  // Offsets in `code`: a wrapped bare function moved everything one place right.
  const shift = wrapped ? 1 : 0;
  const text = (n: N) => source.slice(n.start as number, n.end as number);
  const edit = (n: N, replacement: string): LintEdit => ({
    start: (n.start as number) - shift,
    end: (n.end as number) - shift,
    text: replacement,
  });
  const at = (n: N) => {
    const { line, column } = n.loc!.start;
    // Columns are 1-based; a wrapped bare function moved line 1 one place right.
    return { line, column: wrapped && line === 1 ? column : column + 1 };
  };
  const add = (
    n: N,
    rule: string,
    severity: LintFinding['severity'],
    message: string,
    fix: string,
    change?: LintEdit,
  ) => findings.push({ rule, severity, ...at(n), message, fix, ...(change ? { edit: change } : {}) });

  const entry = entryFunction(program);
  if (entry === undefined) {
    const first = (program.body as N[])[0] ?? program;
    add(
      first,
      'function-wrapper',
      'error',
      'main.js does not evaluate to a function: the task must be a function expression such as (function(input, context) { ... })',
      FIXES.wrapper,
    );
  }

  const declared = new Set<string>();
  const refs: { node: N; name: string }[] = [];
  const fetchVars = new Map<string, N>();
  const checked = new Set<string>();
  walk(program, null, (n, parent) => {
    switch (n.type) {
      case 'VariableDeclarator':
        boundNames(n.id, declared);
        if (isNode(n.id) && n.id.type === 'Identifier' && isFetchCall(unwrapAwait(n.init)))
          fetchVars.set(n.id.name as string, n);
        break;
      case 'AssignmentExpression':
        if (isNode(n.left) && n.left.type === 'Identifier' && isFetchCall(unwrapAwait(n.right)))
          fetchVars.set(n.left.name as string, n);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassDeclaration':
        if (isNode(n.id)) declared.add(n.id.name as string);
        for (const p of (n.params as N[] | undefined) ?? []) boundNames(p, declared);
        break;
      case 'CatchClause':
        boundNames(n.param, declared);
        break;
      case 'Identifier':
        if (isReference(n, parent)) refs.push({ node: n, name: n.name as string });
        break;
      case 'CallExpression':
        if (isNode(n.callee) && n.callee.type === 'Identifier' && n.callee.name === 'require')
          add(
            n,
            'no-modules',
            'error',
            '`require(` is not available in the sandbox (there are no modules)',
            FIXES.require,
          );
        break;
      case 'ImportExpression':
        add(
          n,
          'no-modules',
          'error',
          '`import(` is not available in the sandbox (there are no modules)',
          FIXES.require,
        );
        break;
      case 'MemberExpression': {
        const prop = isNode(n.property) && !n.computed ? (n.property.name as string) : undefined;
        const obj = n.object as N;
        if (isFetchCall(obj) && (prop === 'then' || prop === 'catch' || prop === 'finally'))
          add(
            n,
            'fetch-promise',
            'error',
            `fetch(...).${prop}: fetch returns the response object, not a promise`,
            FIXES.then,
          );
        const fromFetch =
          isFetchCall(unwrapAwait(obj)) || (obj.type === 'Identifier' && fetchVars.has(obj.name as string));
        if (
          fromFetch &&
          (prop === 'json' || prop === 'text' || prop === 'arrayBuffer') &&
          parent?.type === 'CallExpression'
        )
          add(
            n,
            'fetch-body',
            'error',
            `response.${prop}() does not exist: the response is a plain object`,
            FIXES.json,
            edit(parent, `${memberBase(obj, text(obj))}.body`),
          );
        if (obj.type === 'Identifier' && (prop === 'ok' || prop === 'status'))
          checked.add(obj.name as string);
        break;
      }
      case 'AwaitExpression':
        if (isFetchCall(n.argument))
          add(
            n,
            'fetch-await',
            'warning',
            '`await fetch(...)`: fetch is synchronous and returns the response directly',
            FIXES.await,
            edit(n, text(n.argument as N)),
          );
        break;
      case 'ThrowStatement': {
        const arg = n.argument as N;
        if (arg.type === 'Literal' || arg.type === 'TemplateLiteral')
          add(
            n,
            'throw-error-object',
            'warning',
            'throws a plain value: the error type becomes "Error" and no stack or class is kept',
            FIXES.throwString,
            edit(arg, `new Error(${text(arg)})`),
          );
        break;
      }
    }
  });

  for (const { node, name } of refs) {
    if (Object.hasOwn(NODE_GLOBALS, name) && !declared.has(name))
      add(
        node,
        'no-node-apis',
        'error',
        `\`${name}\` is a Node.js API: ${NODE_GLOBALS[name]}`,
        FIXES.require,
        name === 'global' ? edit(node, 'globalThis') : undefined,
      );
  }
  for (const [name, node] of fetchVars) {
    if (!checked.has(name))
      add(
        node,
        'fetch-check-ok',
        'warning',
        `the response in \`${name}\` is used without checking ${name}.ok (fetch returns non-2xx responses, it does not throw)`,
        FIXES.ok,
      );
  }
  if (isNode(entry)) {
    const params = entry.params as N[];
    const first = params[0];
    if (first?.type === 'Identifier') {
      const name = first.name as string;
      const body = entry.body as N;
      let used = false;
      walk(body, entry, (n, parent) => {
        if (n.type === 'Identifier' && n.name === name && isReference(n, parent)) used = true;
      });
      if (!used)
        add(first, 'unused-input', 'warning', `the input parameter \`${name}\` is never used`, FIXES.input);
    }
  }
  return findings;
}
