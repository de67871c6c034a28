// Old spellings of configuration keys, as the product brief's examples write them, read as today's
// keys. The rename happens on the file's data before validation, and loadConfig says once, on
// stderr, which old names it read and what they are called now, so a user can update the file.
// Writing both an old and a new name for the same key is an error, never a silent choice.

export interface Rename {
  /** Dotted path as written in the file. */
  from: string;
  /** Dotted path it was read as (with `: value` when the value changed too). */
  to: string;
}

export interface OldNamesResult {
  data: Record<string, unknown>;
  renames: Rename[];
  /** Both names written: "<old> and <new> both set". */
  conflicts: { path: string; message: string }[];
  /** Where a renamed key came from in the file, for error positions: new path → old path. */
  origin(path: readonly PropertyKey[]): PropertyKey[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Key moves inside the file: [old path, new path]. Applied in order, after `mcp_api` → `mcp`. */
const MOVES: [string, string][] = [
  ['server.host', 'server.bind_address'],
  ['mcp.server.transport', 'mcp.transport'],
  ['mcp.server.host', 'mcp.host'],
  ['mcp.server.port', 'mcp.port'],
  ['mcp.server.enable_cors', 'mcp.enable_cors'],
  ['mcp.auth_type', 'mcp.authentication.method'],
  ['mcp.rate_limit_per_minute', 'mcp.rate_limit.requests_per_minute'],
  ['mcp.security.rate_limiting.global_per_minute', 'mcp.rate_limit.requests_per_minute'],
  ['mcp.security.rate_limiting.execute_task_per_minute', 'mcp.rate_limit.execute_per_minute'],
];

/**
 * Keys of the brief's examples that Ratchet does not have, with the reason, so the error says why
 * instead of only "unknown key".
 */
const NOT_SUPPORTED: [string, string][] = [];

function parentOf(root: Obj, path: string[], create: boolean): Obj | undefined {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isObj(next)) node = next;
    else if (next === undefined && create) node = node[key] = {};
    else return undefined;
  }
  return node;
}

/** Removes objects left empty by moves (`mcp.server: {}`), so they do not read as set. */
function pruneEmpty(root: Obj, path: string[]): void {
  for (let n = path.length - 1; n > 0; n--) {
    const parent = parentOf(root, path.slice(0, n), false);
    const key = path[n - 1]!;
    if (parent && isObj(parent[key]) && Object.keys(parent[key]).length === 0) delete parent[key];
  }
}

export function renameOldKeys(input: Obj): OldNamesResult {
  const data = structuredClone(input);
  const renames: Rename[] = [];
  const conflicts: OldNamesResult['conflicts'] = [];
  const origins: [string[], string[]][] = [];

  if ('mcp_api' in data) {
    if ('mcp' in data)
      conflicts.push({ path: 'mcp_api', message: 'mcp_api (old name of mcp) and mcp both set; keep mcp' });
    else {
      data.mcp = data.mcp_api;
      delete data.mcp_api;
      renames.push({ from: 'mcp_api', to: 'mcp' });
      origins.push([['mcp'], ['mcp_api']]);
      const mcp = data.mcp;
      if (isObj(mcp) && 'sse_enabled' in mcp) {
        if ('transport' in mcp)
          conflicts.push({
            path: 'mcp_api.sse_enabled',
            message: 'mcp_api.sse_enabled and transport both set; keep transport',
          });
        else if (typeof mcp.sse_enabled === 'boolean') {
          mcp.transport = mcp.sse_enabled ? 'http' : 'stdio';
          renames.push({ from: 'mcp_api.sse_enabled', to: `mcp.transport: ${String(mcp.transport)}` });
          origins.push([
            ['mcp', 'transport'],
            ['mcp_api', 'sse_enabled'],
          ]);
          delete mcp.sse_enabled;
        }
      }
    }
  }

  for (const [from, to] of MOVES) {
    const fromPath = from.split('.');
    const toPath = to.split('.');
    const src = parentOf(data, fromPath, false);
    const key = fromPath.at(-1)!;
    if (!src || !(key in src)) continue;
    const dst = parentOf(data, toPath, true);
    const toKey = toPath.at(-1)!;
    if (!dst) continue; // the new path's parent is not a mapping: validation reports it
    if (toKey in dst) {
      conflicts.push({ path: from, message: `${from} (old name of ${to}) and ${to} both set; keep ${to}` });
      continue;
    }
    dst[toKey] = src[key];
    delete src[key];
    pruneEmpty(data, fromPath);
    renames.push({ from, to });
    origins.push([toPath, fromPath]);
  }

  // logging.structured is what logging.format json means; both may be written if they agree.
  const logging = data.logging;
  if (isObj(logging) && typeof logging.structured === 'boolean') {
    const format = logging.structured ? 'json' : 'pretty';
    if (logging.format !== undefined && logging.format !== format)
      conflicts.push({
        path: 'logging.structured',
        message: `logging.structured: ${String(logging.structured)} means format ${format}, but logging.format is ${JSON.stringify(logging.format)}; keep logging.format`,
      });
    else {
      logging.format = format;
      delete logging.structured;
      renames.push({
        from: `logging.structured: ${String(format === 'json')}`,
        to: `logging.format: ${format}`,
      });
    }
  }

  const mcp = data.mcp;
  if (isObj(mcp) && mcp.transport === 'sse') {
    mcp.transport = 'http';
    renames.push({
      from: 'mcp.transport: sse',
      to: 'mcp.transport: http (Streamable HTTP, which replaced SSE)',
    });
  }

  for (const [path, why] of NOT_SUPPORTED) {
    const keys = path.split('.');
    const parent = parentOf(data, keys, false);
    if (!parent || !(keys.at(-1)! in parent)) continue;
    conflicts.push({ path, message: `${path} ${why}` });
    delete parent[keys.at(-1)!]; // said once, with the reason, not again as an unknown key
  }

  const origin = (path: readonly PropertyKey[]): PropertyKey[] => {
    const p = path.map(String);
    // The longest renamed prefix decides (mcp.transport from mcp_api.sse_enabled beats mcp from mcp_api).
    let best: [string[], string[]] | undefined;
    for (const o of origins) {
      if (
        o[0].length <= p.length &&
        o[0].every((k, i) => p[i] === k) &&
        (!best || o[0].length > best[0].length)
      )
        best = o;
    }
    return best ? [...best[1], ...p.slice(best[0].length)] : [...path];
  };
  return { data, renames, conflicts, origin };
}

/** The one notice a load prints when old names were read. */
export function oldNamesNotice(source: string, renames: readonly Rename[]): string {
  const list = renames.map((r) => `${r.from} → ${r.to}`).join('; ');
  return `warning: ${source} uses old configuration key names, read as: ${list} (rename them to silence this notice)`;
}
