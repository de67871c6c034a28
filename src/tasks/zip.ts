// A task packed as a .zip: either the files at the archive root or inside one top folder.
// Archives come from users and agents, so entry names and sizes are checked before anything is
// decompressed (zip-slip paths, zip bombs). fflate is imported on the first archive read: most
// servers never see a zip, and its ~90 KB of module source would stay resident in every one.
import type { Problem } from './types.ts';

import { unzipOffThread } from './unzip-thread.ts';
export const ZIP_MAX_BYTES = 50 * 1024 * 1024;
export const ZIP_MAX_FILES = 1000;

/** Files a task package consists of, by their path relative to the task root. */
export function isTaskFile(rel: string): boolean {
  if (['metadata.json', 'main.js', 'input.schema.json', 'output.schema.json'].includes(rel)) return true;
  return /^tests\/[^/]+\.json$/.test(rel);
}

function unsafeReason(name: string): string | undefined {
  if (/^([/\\]|[A-Za-z]:)/.test(name)) return 'is an absolute path';
  if (name.split(/[/\\]/).includes('..')) return 'climbs out of the archive with ".."';
  return undefined;
}

/** macOS Finder adds these; they are never part of the task. */
function isJunk(name: string): boolean {
  return name.startsWith('__MACOSX/') || /(^|\/)\.DS_Store$/.test(name);
}

export interface ZipRead {
  files: Record<string, string>;
  problems: Problem[];
}

export async function readTaskZip(data: Uint8Array, zipName: string): Promise<ZipRead> {
  const fail = (message: string): ZipRead => ({
    files: {},
    problems: [{ severity: 'error', file: zipName, message }],
  });
  if (data.byteLength > ZIP_MAX_BYTES) {
    return fail(`archive is ${data.byteLength} bytes; the limit is ${ZIP_MAX_BYTES} bytes (50 MB)`);
  }

  const { unzipSync } = await import('fflate');
  const entries: { name: string; size: number }[] = [];
  try {
    // First pass lists the entries without decompressing anything.
    unzipSync(data, {
      filter: (f) => {
        entries.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (e) {
    return fail(`not a readable zip archive: ${(e as Error).message}`);
  }

  const bad = entries.map((e) => ({ name: e.name, reason: unsafeReason(e.name) })).filter((e) => e.reason);
  if (bad.length > 0) {
    return {
      files: {},
      problems: bad.map((b) => ({
        severity: 'error' as const,
        file: zipName,
        message: `unsafe entry "${b.name}" ${b.reason}; the archive was not extracted`,
      })),
    };
  }
  const fileEntries = entries.filter((e) => !e.name.endsWith('/') && !isJunk(e.name));
  if (fileEntries.length > ZIP_MAX_FILES) {
    return fail(`archive holds ${fileEntries.length} files; the limit is ${ZIP_MAX_FILES}`);
  }
  const total = fileEntries.reduce((sum, e) => sum + e.size, 0);
  if (total > ZIP_MAX_BYTES) {
    return fail(`archive expands to ${total} bytes; the limit is ${ZIP_MAX_BYTES} bytes (50 MB)`);
  }

  const prefix = rootPrefix(fileEntries.map((e) => e.name.replace(/\\/g, '/')));
  const wanted = (name: string): boolean => {
    const normal = name.replace(/\\/g, '/');
    return normal.startsWith(prefix) && isTaskFile(normal.slice(prefix.length));
  };
  let raw: Record<string, Uint8Array>;
  try {
    raw = await unzipOffThread(
      data,
      entries.map((e) => e.name).filter((n) => !isJunk(n) && wanted(n)),
    );
  } catch (e) {
    return fail(`cannot extract archive: ${(e as Error).message}`);
  }

  const files: Record<string, string> = {};
  const problems: Problem[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const [name, bytes] of Object.entries(raw)) {
    const rel = name.replace(/\\/g, '/').slice(prefix.length);
    try {
      files[rel] = decoder.decode(bytes);
    } catch {
      problems.push({ severity: 'error', file: rel, message: `is not UTF-8 text (in ${zipName})` });
    }
  }
  return { files, problems };
}

/** "" when metadata.json sits at the root; "top/" when every file lives in one top folder. */
function rootPrefix(names: string[]): string {
  if (names.includes('metadata.json') || names.includes('main.js')) return '';
  const tops = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')));
  if (tops.size === 1) {
    const [top] = tops;
    return top ?? '';
  }
  return '';
}
