// The configuration module's public surface: import from here rather than from the individual files.
export { loadConfig, type LoadOptions } from './load.ts';
export { ConfigError, formatIssue, type ConfigIssue } from './errors.ts';
export {
  ConfigSchema,
  LOG_LEVELS,
  parseByteSize,
  type RatchetConfig,
  type RatchetConfigInput,
} from './schema.ts';
export { resolveSqlitePath, resolveSourceUri } from './paths.ts';
export { maskSecrets, maskUrl, isSecretKey } from './mask.ts';
export { envVariableFor } from './env.ts';
