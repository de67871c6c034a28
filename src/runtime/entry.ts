// Finds the task function in main.js, accepting the three shapes of the original (in order):
// a global `function main(input, context)`; a script whose completion value is a function;
// a bare function expression that needs parentheses. The shape found for a given source is
// cached so the common bare-function case does not pay for a failed parse on every run.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { TaskErrorInfo } from './types.ts';
import { guestError } from './errors.ts';

type Shape = 'as-is' | 'wrapped';
const shapes = new Map<string, Shape>();
const MAX_CACHED = 1000;

export const NO_FUNCTION_MESSAGE =
  'main.js yields no function: define `function main(input, context) { … }`, or make the file a function ' +
  'expression such as `(function (input, context) { … })`';

function evaluate(ctx: QuickJSContext, code: string, fileName: string, shape: Shape) {
  const source = shape === 'wrapped' ? `(${code}\n)` : code;
  return ctx.evalCode(source, fileName, { type: 'global' });
}

export function resolveEntry(
  ctx: QuickJSContext,
  code: string,
  fileName: string,
): { handle: QuickJSHandle } | { error: TaskErrorInfo } {
  const known = shapes.get(code);
  let shape: Shape = known ?? 'as-is';
  let result = evaluate(ctx, code, fileName, shape);
  if (result.error && !known) {
    const first = ctx.dump(result.error) as { name?: string };
    if (first.name === 'SyntaxError') {
      const wrapped = evaluate(ctx, code, fileName, 'wrapped');
      if (wrapped.error) {
        wrapped.error.dispose();
      } else {
        result.error.dispose();
        result = wrapped;
        shape = 'wrapped';
      }
    }
  }
  if (result.error) {
    const error = guestError(ctx.dump(result.error), fileName, null);
    result.error.dispose();
    return { error };
  }
  if (!known) {
    if (shapes.size >= MAX_CACHED) shapes.clear();
    shapes.set(code, shape);
  }
  const completion = result.value;
  const globalMain = ctx.getProp(ctx.global, 'main');
  if (ctx.typeof(globalMain) === 'function') {
    completion.dispose();
    return { handle: globalMain };
  }
  globalMain.dispose();
  if (ctx.typeof(completion) === 'function') return { handle: completion };
  completion.dispose();
  return {
    error: { type: 'TypeError', message: NO_FUNCTION_MESSAGE, location: { file: fileName, line: 1 } },
  };
}
