// Where filesystem destinations may write (delivery.filesystem.allowed_roots). Without this an
// API client that may queue a job could write any file the server can (a config file, an
// executable script). Paths are compared after resolving symlinks: the deepest existing ancestor
// of the target goes through realpath, so neither `..` nor a symlinked parent escapes a root.
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { RatchetConfig } from '../config/schema.ts';
import type { Destination } from './destinations.ts';

export class DestinationRootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRootError';
  }
}

/** The configured roots as absolute paths (relative ones from the working directory). */
export function allowedRoots(config: RatchetConfig): string[] {
  return config.delivery.filesystem.allowed_roots.map((r) => resolve(r));
}

/** A relative destination path is taken from the first root. */
export function destinationBase(config: RatchetConfig): string {
  return allowedRoots(config)[0]!;
}

/** `path` with its deepest existing ancestor resolved through realpath (the rest appended). */
async function realpathDeep(path: string): Promise<string> {
  const rest: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return join(await realpath(current), ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length).replace(/^[/\\]/, ''));
      current = parent;
    }
  }
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

/**
 * Throws unless the folder `dir` (absolute, or relative to the first root) is inside a root once
 * symlinks are resolved. Returns the absolute folder.
 */
export async function assertUnderRoots(dir: string, roots: readonly string[]): Promise<string> {
  const abs = resolve(roots[0]!, dir);
  const real = await realpathDeep(abs);
  for (const root of roots) if (inside(real, await realpathDeep(root))) return abs;
  throw new DestinationRootError(
    `${abs}${real !== abs ? ` (resolves to ${real})` : ''} is outside delivery.filesystem.allowed_roots (${roots.join(', ')})`,
  );
}

/** The fixed folder a path template writes under: its part before the first variable. */
export function templateFolder(template: string): string {
  const fixed = template.includes('{{') ? template.slice(0, template.indexOf('{{')) : template;
  return fixed === '' || fixed.endsWith('/') ? fixed || '.' : dirname(fixed);
}

/** One message per filesystem destination outside the roots (`outputDestinations[i]: …`). */
export async function rootViolations(
  config: RatchetConfig,
  destinations: readonly Destination[],
): Promise<{ path: string; message: string }[]> {
  const roots = allowedRoots(config);
  const out: { path: string; message: string }[] = [];
  for (const [i, d] of destinations.entries()) {
    if (d.type !== 'filesystem') continue;
    try {
      await assertUnderRoots(templateFolder(d.path), roots);
    } catch (err) {
      if (!(err instanceof DestinationRootError)) throw err;
      out.push({ path: `$.outputDestinations[${i}].path`, message: err.message });
    }
  }
  return out;
}

/** Destinations that write files or call URLs (they need the developer role: `write` access). */
export function needsWriteAccess(destinations: readonly Destination[]): boolean {
  return destinations.some((d) => d.type === 'filesystem' || d.type === 'webhook');
}
