// How deep and how large a task's input and output may be. Every door that accepts an input (REST,
// MCP, the CLI, schedules, the job queue) checks it here before anything is stored or dispatched,
// and every run checks its output here before the output leaves the sandbox's thread.
//
// Why a depth limit at all: V8's JSON.stringify and structured clone recurse, and overflow the stack
// at a few thousand levels (structured clone at ~2,000 on the main thread), so a deeply nested value
// that got in would crash or wedge whatever serialises it later (storage, postMessage, responses).
// The checks below never recurse: depth is measured with an explicit stack (values) or by scanning
// the JSON text (outputs), so measuring a hostile value cannot overflow anything itself.

import { DEFAULT_MAX_JSON_DEPTH } from '../config/value-limits.ts';

export { DEFAULT_MAX_JSON_DEPTH, MAX_JSON_DEPTH_CEILING } from '../config/value-limits.ts';

export interface ValueLimits {
  /** Arrays and objects nested at most this deep (execution.max_json_depth). */
  maxDepth: number;
  /** UTF-8 bytes of the input as JSON (execution.max_input_bytes). */
  maxInputBytes: number;
  /** UTF-8 bytes of the output as JSON (execution.max_output_bytes). */
  maxOutputBytes: number;
}

export const DEFAULT_VALUE_LIMITS: ValueLimits = {
  maxDepth: DEFAULT_MAX_JSON_DEPTH,
  maxInputBytes: 10 * 1024 * 1024,
  maxOutputBytes: 16 * 1024 * 1024,
};

/** The configuration keys, named in every message so the reader knows what to change. */
export const LIMIT_KEYS = {
  depth: 'execution.max_json_depth',
  input: 'execution.max_input_bytes',
  output: 'execution.max_output_bytes',
} as const;

/**
 * How deeply arrays and objects nest in `value` (a scalar is 0, `{}` and `[1]` are 1), counting no
 * further than `stopAbove + 1`: enough to tell that a limit is exceeded without walking a hostile
 * value to its bottom.
 */
export function depthOf(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  if (value === null || typeof value !== 'object') return 0;
  let max = 0;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return max;
}

/** The same depth read from JSON text (brackets outside strings), without parsing it. */
export function jsonTextDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

/**
 * Why an input is refused, or undefined when it is within the limits. The message names the limit
 * and its configuration key; `path` is where the input sits in the caller's request.
 */
export function inputLimitProblem(
  value: unknown,
  limits: ValueLimits,
  path = '$.input',
): { path: string; message: string } | undefined {
  const depth = depthOf(value, limits.maxDepth);
  if (depth > limits.maxDepth) {
    return {
      path,
      message: `nests arrays/objects more than ${limits.maxDepth} levels deep; the limit is ${limits.maxDepth} (${LIMIT_KEYS.depth})`,
    };
  }
  // Within the depth limit, JSON.stringify is safe; undefined (no input) counts as `{}`.
  const bytes = Buffer.byteLength(JSON.stringify(value ?? {}));
  if (bytes > limits.maxInputBytes) {
    return {
      path,
      message: `is ${mb(bytes)} as JSON; the limit is ${mb(limits.maxInputBytes)} (${LIMIT_KEYS.input})`,
    };
  }
  return undefined;
}

/**
 * Why an output (the guest's JSON text) cannot be accepted, or undefined. Checked where the output
 * is still text, before anything parses, clones or stores it.
 */
export function outputLimitProblem(outputJson: string, limits: ValueLimits): string | undefined {
  // A UTF-8 byte is at least a third of a UTF-16 code unit's worth: cheap bound before counting.
  if (outputJson.length > limits.maxOutputBytes || outputJson.length * 3 > limits.maxOutputBytes) {
    const bytes = Buffer.byteLength(outputJson);
    if (bytes > limits.maxOutputBytes) {
      return `the task's output is ${mb(bytes)} as JSON; the limit is ${mb(limits.maxOutputBytes)} (${LIMIT_KEYS.output})`;
    }
  }
  const depth = jsonTextDepth(outputJson, limits.maxDepth);
  if (depth > limits.maxDepth) return outputDepthProblem(limits);
  return undefined;
}

/** The problem of an output nesting deeper than the depth limit. */
export function outputDepthProblem(limits: ValueLimits): string {
  return `the task's output nests arrays/objects more than ${limits.maxDepth} levels deep; the limit is ${limits.maxDepth} (${LIMIT_KEYS.depth})`;
}

/** The error type of a run whose output broke these limits (not retried: the task would repeat it). */
export const OUTPUT_LIMIT_ERROR = 'OutputLimitError';
