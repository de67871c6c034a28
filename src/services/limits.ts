// Limits on what a task takes and what an execution stores, read from the configuration once.
// The door check every face shares: a task input deeper or larger than execution.max_json_depth /
// execution.max_input_bytes is refused with a ValidationError (REST 422, an MCP tool error, a CLI
// error) before anything is stored, validated against a schema or sent to an executor thread.
import type { RatchetConfig } from '../config/schema.ts';
import { parseByteSize } from '../config/bytes.ts';
import { inputLimitProblem, type ValueLimits } from '../tasks/value-limits.ts';
import { ValidationError } from './errors.ts';
import { valueLimitsFromConfig } from '../runtime/settings.ts';

const cache = new WeakMap<RatchetConfig, ValueLimits>();

/** The configured limits (parsed once per configuration object). */
export function valueLimits(config: RatchetConfig): ValueLimits {
  let limits = cache.get(config);
  if (!limits) cache.set(config, (limits = valueLimitsFromConfig(config)));
  return limits;
}

/** Throws ValidationError naming the limit and its key when `input` breaks one. */
export function checkInputLimits(
  config: RatchetConfig,
  input: unknown,
  what = 'task input',
  path = '$.input',
): void {
  const problem = inputLimitProblem(input, valueLimits(config), path);
  if (problem) throw new ValidationError(`${what} exceeds a limit`, [problem]);
}

const resultCaps = new WeakMap<RatchetConfig, number>();

/** execution.max_result_bytes (queue/fit-result.ts), parsed once per configuration. */
export function maxResultBytes(config: RatchetConfig): number {
  let cap = resultCaps.get(config);
  if (cap === undefined) resultCaps.set(config, (cap = parseByteSize(config.execution.max_result_bytes)));
  return cap;
}
