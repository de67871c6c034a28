// The lint rules' finding shape, the Node globals they flag, and the fix texts (lint-ast.ts).

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  rule: string;
  severity: LintSeverity;
  line: number;
  column: number;
  message: string;
  fix: string;
}

/** A mechanical fix: replace code[start, end) with `text` (`ratchet lint --fix`). */
export interface LintEdit {
  start: number;
  end: number;
  text: string;
}

export const NODE_GLOBALS: Readonly<Record<string, string>> = {
  process:
    'process (environment, exit, argv) does not exist in the sandbox; pass values in the input instead',
  Buffer: 'Buffer does not exist in the sandbox; use strings, or btoa/atob for base64',
  __dirname: '__dirname does not exist: tasks have no file system',
  __filename: '__filename does not exist: tasks have no file system',
  fs: 'there is no file system in the sandbox; pass file contents in the input',
  module: 'module/exports do not exist: the task is the function expression main.js evaluates to',
  exports: 'module/exports do not exist: the task is the function expression main.js evaluates to',
  global: 'global is a Node name; use globalThis',
};

export const FIXES = {
  wrapper: 'make main.js one function expression: (function(input, context) { ...; return result; })',
  require:
    'remove the module; inline the code you need (only fetch, console and the error classes are provided)',
  then: 'fetch is synchronous here and returns the response object: const response = fetch(url); if (!response.ok) throw new HttpError(response.status, ...); use response.body',
  await: 'drop await: const response = fetch(url) already holds the response',
  json: 'response.body is already parsed (JSON when the response is JSON, else text); read response.body',
  ok: 'check the status before using the body: if (!response.ok) throw new HttpError(response.status, `request failed: ${response.statusText}`)',
  input:
    'read the task input from the first parameter (e.g. const { city } = input), or remove the parameter if the task needs none',
  throwString:
    'throw an Error object so the type and message survive: throw new DataError("...") or throw new Error("...")',
};
