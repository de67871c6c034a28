// Turns istanbul's counters for one file into what a task author acts on: percentages, the
// uncovered lines with their source, and each uncovered branch said in words (line, kind, which
// arm, the condition's source text).
import libCoverage from 'istanbul-lib-coverage';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import type { Node } from 'acorn';
import { full } from 'acorn-walk';
import { taskProgram } from './source.ts';

export interface CoverageFigure {
  covered: number;
  total: number;
  /** 0–100, one decimal; 100 when there is nothing to cover. */
  pct: number;
}

export interface UncoveredBranch {
  line: number;
  /** istanbul's kind: if, cond-expr, binary-expr, switch, default-arg, logical assignment … */
  type: string;
  /** Which arm never ran: `then`, `else`, `true`, `false`, `operand 2`, `case 3`, `default value`. */
  arm: string;
  /** Source text of the condition (or operand, or case) that decides it. */
  condition: string;
}

export interface FileCoverageView {
  file: string;
  lines: CoverageFigure;
  statements: CoverageFigure;
  branches: CoverageFigure;
  functions: CoverageFigure;
  uncoveredLines: { line: number; source: string }[];
  uncoveredBranches: UncoveredBranch[];
  uncoveredFunctions: { name: string; line: number }[];
}

const figure = (s: { covered: number; total: number }): CoverageFigure => ({
  covered: s.covered,
  total: s.total,
  pct: s.total === 0 ? 100 : Math.round((s.covered / s.total) * 1000) / 10,
});

type AnyNode = Node & Record<string, unknown>;

/** Nodes by `line:column` of their start (several nodes can start at one place). */
function nodesByStart(root: Node): Map<string, AnyNode[]> {
  const found = new Map<string, AnyNode[]>();
  full(root, (n) => {
    const node = n as unknown as AnyNode;
    if (!node.loc) return;
    const key = `${node.loc.start.line}:${node.loc.start.column}`;
    found.set(key, [...(found.get(key) ?? []), node]);
  });
  return found;
}

interface Loc {
  start: { line?: number; column?: number };
  end: { line?: number; column?: number };
}

/** Source text between two istanbul positions (1-based lines, 0-based columns). */
function sliceLoc(lines: readonly string[], loc: Loc): string | undefined {
  const { start, end } = loc;
  if (start.line === undefined || end.line === undefined) return undefined;
  if (start.line === end.line) return lines[start.line - 1]?.slice(start.column, end.column);
  const middle = lines.slice(start.line, end.line - 1);
  return [
    lines[start.line - 1]?.slice(start.column),
    ...middle,
    lines[end.line - 1]?.slice(0, end.column),
  ].join('\n');
}

function armName(type: string, index: number): string {
  if (type === 'if') return index === 0 ? 'then' : 'else';
  if (type === 'cond-expr') return index === 0 ? 'true' : 'false';
  if (type === 'switch') return `case ${index + 1}`;
  if (type === 'default-arg') return 'default value';
  return `operand ${index + 1}`;
}

const clip = (text: string): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}...` : one;
};

export function describeFileCoverage(data: FileCoverageData, source: string): FileCoverageView {
  const fc = libCoverage.createFileCoverage(data);
  const summary = fc.toSummary();
  const { code, ast } = taskProgram(source);
  const lines = source.split('\n');
  const codeLines = code.split('\n');
  const nodes = nodesByStart(ast);
  const find = (loc: Loc, type: string): AnyNode | undefined =>
    nodes.get(`${loc.start.line}:${loc.start.column}`)?.find((n) => n.type === type);
  const textOf = (n: AnyNode | null | undefined): string | undefined =>
    n ? clip(code.slice(n.start, n.end)) : undefined;

  const uncoveredLines = Object.entries(fc.getLineCoverage())
    .filter(([, hits]) => hits === 0)
    .map(([line]) => ({ line: Number(line), source: (lines[Number(line) - 1] ?? '').trimEnd() }))
    .sort((a, b) => a.line - b.line);

  const uncoveredBranches: UncoveredBranch[] = [];
  for (const [id, branch] of Object.entries(data.branchMap)) {
    const hits = data.b[id] ?? [];
    branch.locations.forEach((loc: Loc, i) => {
      if (hits[i] !== 0) return;
      const line = loc.start.line ?? branch.line ?? branch.loc.start.line;
      let condition: string | undefined;
      if (branch.type === 'if') condition = textOf(find(branch.loc, 'IfStatement')?.test as AnyNode);
      else if (branch.type === 'cond-expr') {
        condition = textOf(find(branch.loc, 'ConditionalExpression')?.test as AnyNode);
      } else if (branch.type === 'switch') {
        const arm = find(loc, 'SwitchCase');
        condition = arm ? (textOf(arm.test as AnyNode | null) ?? 'default') : undefined;
      } else {
        const text = sliceLoc(codeLines, loc);
        condition = text === undefined ? undefined : clip(text);
      }
      uncoveredBranches.push({
        line,
        type: branch.type,
        arm: armName(branch.type, i),
        condition: condition ?? clip(lines[line - 1] ?? ''),
      });
    });
  }
  uncoveredBranches.sort((a, b) => a.line - b.line);

  const uncoveredFunctions = Object.entries(data.fnMap)
    .filter(([id]) => data.f[id] === 0)
    .map(([, fn]) => ({ name: fn.name, line: fn.decl.start.line ?? fn.line }))
    .sort((a, b) => a.line - b.line);

  return {
    file: data.path,
    lines: figure(summary.lines),
    statements: figure(summary.statements),
    branches: figure(summary.branches),
    functions: figure(summary.functions),
    uncoveredLines,
    uncoveredBranches,
    uncoveredFunctions,
  };
}
