// Readable JSON paths (`$`, `$.user.name`, `$.items[2]`, `$["odd key"]`) shared by every problem
// and violation message, so users see the same notation everywhere.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function appendKey(base: string, key: string): string {
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

export function appendIndex(base: string, index: number): string {
  return `${base}[${index}]`;
}

export function formatJsonPath(segments: readonly (string | number)[]): string {
  let path = '$';
  for (const s of segments) path = typeof s === 'number' ? appendIndex(path, s) : appendKey(path, s);
  return path;
}

/** Splits a JSON pointer (`/properties/a~1b/0`) into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return body
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Turns a JSON pointer into a readable path, using the document to tell array indexes from
 * object keys that merely look numeric.
 */
export function pointerToPath(pointer: string, document: unknown): string {
  let path = '$';
  let current: unknown = document;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      path = appendIndex(path, index);
      current = current[index];
    } else {
      path = appendKey(path, segment);
      current =
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return path;
}
