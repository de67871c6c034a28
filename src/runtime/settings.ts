// Maps the configuration onto the sandbox limits and the outbound HTTP client options, so every
// command and the server read the same keys the same way.
import { parseByteSize } from '../config/bytes.ts';
import type { RatchetConfig } from '../config/schema.ts';
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits } from './run-task.ts';
import { ownPorts } from '../http/own-ports.ts';
import type { ValueLimits } from '../tasks/value-limits.ts';

export function runtimeLimitsFromConfig(config: RatchetConfig): RuntimeLimits {
  const e = config.execution;
  return {
    defaultTimeoutMs: e.max_execution_duration * 1000,
    defaultMemoryBytes: parseByteSize(e.default_memory_limit),
    maxMemoryBytes: parseByteSize(e.max_memory_limit),
    stackBytes: e.stack_size_kb * 1024,
    validateSchemas: e.validate_schemas,
    redaction: { headers: config.http.redact_headers, queryParams: config.http.redact_query_params },
    values: valueLimitsFromConfig(config),
    hostBudgetRatio: e.host_budget_ratio,
  };
}

/** execution.max_json_depth, max_input_bytes and max_output_bytes (tasks/value-limits.ts). */
export function valueLimitsFromConfig(config: RatchetConfig): ValueLimits {
  const e = config.execution;
  return {
    maxDepth: e.max_json_depth,
    maxInputBytes: parseByteSize(e.max_input_bytes),
    maxOutputBytes: parseByteSize(e.max_output_bytes),
  };
}

/** `listening`: the ports this process's servers really listen on, protected along with the configured ones. */
export function httpOptionsFromConfig(
  config: RatchetConfig,
  listening: readonly number[] = [],
): HttpClientOptions {
  const h = config.http;
  return {
    timeoutMs: h.timeout * 1000,
    maxRedirects: h.max_redirects,
    userAgent: h.user_agent,
    verifySsl: h.verify_ssl,
    allowedHosts: h.allowed_hosts,
    deniedHosts: h.denied_hosts,
    ownPorts: ownPorts(config, listening),
    maxResponseBytes: parseByteSize(h.max_response_bytes),
  };
}
