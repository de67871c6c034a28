// The bounds of execution.max_json_depth, shared by the configuration schema and the checks in
// tasks/value-limits.ts (a module without imports, so sandbox threads load nothing more for it).

/** The default of execution.max_json_depth. */
export const DEFAULT_MAX_JSON_DEPTH = 256;
/**
 * The highest execution.max_json_depth the configuration accepts: deeper values are not safe for
 * structured clone and JSON.stringify on every thread (measured to fail from ~2,000 levels).
 */
export const MAX_JSON_DEPTH_CEILING = 1000;
