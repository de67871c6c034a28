// Breakpoint snapshots (`ratchet debug`, ratchet_debug_task_step): main.js is instrumented with
// acorn so that reaching a breakpoint records the values of the variables declared in scope (or
// the watched expressions) and the call stack, then goes on. Not interactive stepping: the run is
// exact and deterministic, and the result is the ordered list of hits. The recording call is put
// in front of the statement on the same line, so no line number moves.
import type { AnyNode as AcornNode, Node, Program } from 'acorn';
import { base, fullAncestor, recursive, type WalkerCallback } from 'acorn-walk';
import { taskProgram } from './source.ts';

export const HITS_GLOBAL = '__ratchet_breakpoints__';
export const MAX_VALUE_CHARS = 300;

export interface BreakpointSpec {
  /** `line:N` or `function:NAME`. */
  spec: string;
}

export interface ResolvedBreakpoint {
  spec: string;
  line: number;
  /** Set when the breakpoint moved (a line without a statement goes to the next one that has one). */
  note?: string;
}

export class BreakpointError extends Error {}

type AnyNode = Node & Record<string, unknown>;
interface Site {
  node: AnyNode;
  ancestors: AnyNode[];
}

/** Statements that can take a call in front of them: direct children of a block, program or case. */
function statementSites(ast: Program): Site[] {
  const sites: Site[] = [];
  fullAncestor(ast, (n, _state, ancestors) => {
    const node = n as unknown as AnyNode;
    const body =
      node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock'
        ? (node.body as AnyNode[])
        : node.type === 'SwitchCase'
          ? (node.consequent as AnyNode[])
          : null;
    if (!body) return;
    // `ancestors` ends with `node` itself and is reused by the walk: copy it.
    const inner = [...ancestors] as unknown as AnyNode[];
    for (const s of body) if (s.type !== 'FunctionDeclaration') sites.push({ node: s, ancestors: inner });
  });
  return sites.sort((a, b) => a.node.start - b.node.start);
}

function patternNames(p: AnyNode | null | undefined, out: string[]): void {
  if (!p) return;
  if (p.type === 'Identifier') out.push(p.name as string);
  else if (p.type === 'AssignmentPattern') patternNames(p.left as AnyNode, out);
  else if (p.type === 'RestElement') patternNames(p.argument as AnyNode, out);
  else if (p.type === 'ArrayPattern') for (const e of p.elements as AnyNode[]) patternNames(e, out);
  else if (p.type === 'ObjectPattern')
    for (const prop of p.properties as AnyNode[])
      patternNames((prop.type === 'RestElement' ? prop : prop.value) as AnyNode, out);
}

/** Names declared in the scopes around a statement (params, var/let/const, functions, catch). */
function namesInScope(site: Site): string[] {
  const names: string[] = [];
  for (const a of site.ancestors) {
    if (a.type.includes('Function')) for (const p of a.params as AnyNode[]) patternNames(p, names);
    if (a.type === 'CatchClause') patternNames(a.param as AnyNode, names);
    if (a.type === 'ForStatement' || a.type === 'ForOfStatement' || a.type === 'ForInStatement') {
      const init = (a.init ?? a.left) as AnyNode | null;
      if (init?.type === 'VariableDeclaration')
        for (const d of init.declarations as AnyNode[]) patternNames(d.id as AnyNode, names);
    }
    const body =
      a.type === 'SwitchCase'
        ? (a.consequent as AnyNode[])
        : Array.isArray(a.body)
          ? (a.body as AnyNode[])
          : [];
    for (const s of body) {
      if (s.type === 'VariableDeclaration')
        for (const d of s.declarations as AnyNode[]) patternNames(d.id as AnyNode, names);
      if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id)
        names.push((s.id as AnyNode).name as string);
    }
  }
  return [...new Set(names)].filter((n) => n !== 'arguments');
}

/** The outermost, first function called `name` (declared, assigned to a variable, or a method). */
function functionNamed(ast: Program, name: string): AnyNode | undefined {
  let found: AnyNode | undefined;
  // Checked before the walk goes into a node's children, so the first match in source order wins.
  const check = (n: AcornNode, state: undefined, c: WalkerCallback<undefined>): void => {
    if (found) return;
    const node = n as AnyNode;
    const fn =
      (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') &&
      (node.id as AnyNode | null)?.name === name
        ? node
        : node.type === 'VariableDeclarator' &&
            (node.id as AnyNode).name === name &&
            String((node.init as AnyNode | null)?.type).includes('Function')
          ? (node.init as AnyNode)
          : (node.type === 'Property' || node.type === 'MethodDefinition') &&
              (node.key as AnyNode).name === name &&
              String((node.value as AnyNode).type).includes('Function')
            ? (node.value as AnyNode)
            : undefined;
    if (fn) found = fn;
    else (base as Record<string, typeof check>)[n.type]!(n, state, c);
  };
  recursive(ast, undefined, {
    FunctionDeclaration: check,
    FunctionExpression: check,
    VariableDeclarator: check,
    Property: check,
    MethodDefinition: check,
  });
  return found;
}

export interface InstrumentedBreakpoints {
  code: string;
  resolved: ResolvedBreakpoint[];
}

export function instrumentBreakpoints(
  source: string,
  specs: readonly string[],
  watch: readonly string[],
  maxHits: number,
): InstrumentedBreakpoints {
  const { code, ast } = taskProgram(source);
  const sites = statementSites(ast);
  const chosen: { site: Site; index: number }[] = [];
  const resolved: ResolvedBreakpoint[] = [];
  for (const spec of specs) {
    const m = /^(line|function):(.+)$/.exec(spec.trim());
    if (!m) throw new BreakpointError(`breakpoint ${JSON.stringify(spec)}: expected line:N or function:NAME`);
    let site: Site | undefined;
    let note: string | undefined;
    if (m[1] === 'line') {
      const line = Number(m[2]);
      if (!Number.isInteger(line) || line < 1)
        throw new BreakpointError(`breakpoint ${spec}: N must be a line number`);
      site = sites.find((s) => s.node.loc!.start.line >= line);
      if (!site)
        throw new BreakpointError(
          `breakpoint ${spec}: no statement on or after line ${line} (main.js has ${source.split('\n').length} lines)`,
        );
      if (site.node.loc!.start.line !== line)
        note = `line ${line} has no statement; moved to line ${site.node.loc!.start.line}`;
    } else {
      const fn = functionNamed(ast, m[2]!);
      if (!fn) throw new BreakpointError(`breakpoint ${spec}: no function named ${m[2]} in main.js`);
      const body = fn.body as AnyNode;
      site = body.type === 'BlockStatement' ? sites.find((s) => s.ancestors.at(-1) === body) : undefined;
      if (!site)
        throw new BreakpointError(`breakpoint ${spec}: ${m[2]} has no statement in its body to stop at`);
    }
    chosen.push({ site, index: resolved.length });
    resolved.push(
      note === undefined
        ? { spec, line: site.node.loc!.start.line }
        : { spec, line: site.node.loc!.start.line, note },
    );
  }
  // Insert from the end so earlier offsets stay valid.
  let out = code;
  for (const { site, index } of [...chosen].sort((a, b) => b.site.node.start - a.site.node.start)) {
    const names = watch.length > 0 ? [] : namesInScope(site);
    const getters = [
      ...names.map((n) => `get ${JSON.stringify(n)}() { return ${n}; }`),
      ...watch.map((w) => `get ${JSON.stringify(w)}() { return (${w}); }`),
    ].join(', ');
    const fn = [...site.ancestors].reverse().find((a) => a.type.includes('Function'));
    const fnName = fn
      ? (((fn.id as AnyNode | null)?.name as string | undefined) ?? '<anonymous>')
      : '<top level>';
    const call = `__ratchet_bp(${index}, ${site.node.loc!.start.line}, ${JSON.stringify(fnName)}, { ${getters} });`;
    out = out.slice(0, site.node.start) + call + out.slice(site.node.start);
  }
  return { code: recorder(maxHits) + out, resolved };
}

/** The guest side: record each hit (bounded), each value as JSON text cut at MAX_VALUE_CHARS. */
function recorder(maxHits: number): string {
  return (
    `var __ratchet_bp = (() => { const hits = { list: [], dropped: 0 }; globalThis.${HITS_GLOBAL} = hits;` +
    ` const show = (v) => { if (v === undefined) return 'undefined'; if (typeof v === 'function') return '[function ' + (v.name || 'anonymous') + ']';` +
    ` let t; try { t = JSON.stringify(v); } catch (e) { t = String(v); } if (t === undefined) t = String(v);` +
    ` return t.length > ${MAX_VALUE_CHARS} ? t.slice(0, ${MAX_VALUE_CHARS}) + '…' : t; };` +
    ` return (id, line, fn, scope) => { const here = 'at ' + fn + ' (main.js:' + line + ')'; if (hits.list.length >= ${maxHits}) { hits.dropped++; return; } const values = {};` +
    ` for (const k of Object.keys(Object.getOwnPropertyDescriptors(scope))) { try { values[k] = show(scope[k]); } catch (e) { values[k] = '<' + (e && e.name) + ': ' + (e && e.message) + '>'; } }` +
    ` const stack = String(new Error().stack || '').split('\\n').map((l) => l.trim().replace(/:(\\d+):\\d+\\)$/, ':$1)')).filter((l) => l.includes('main.js') && !l.startsWith('at <anonymous> (main.js:1)'));` +
    ` hits.list.push({ breakpoint: id, line, values, stack: [here, ...stack.filter((l) => l !== here)] }); }; })();`
  );
}
