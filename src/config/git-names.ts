// What a git branch, tag, commit or repository URI may look like before it reaches the `git`
// command line. A value starting with `-` would be read as an option (`--upload-pack=CMD` runs
// CMD), so such values are refused here, at configuration time, and again before git runs.
// The ref rules are those of `git check-ref-format --allow-onelevel`, checked without a process.

/** Why `name` is not a usable branch, tag or commit name; undefined when it is. */
export function gitRefProblem(name: string): string | undefined {
  if (name.startsWith('-')) return 'must not start with "-" (git would read it as an option)';
  if (name === '@') return 'must not be "@"';
  // Control characters, space and the characters git reserves for revision syntax.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name))
    return 'must not contain spaces, control characters or ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'must not contain ".."';
  if (name.includes('@{')) return 'must not contain "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'must not start or end with "/" or contain "//"';
  }
  if (name.endsWith('.') || name.endsWith('.lock')) return 'must not end with "." or ".lock"';
  if (name.split('/').some((part) => part.startsWith('.'))) return 'no part may start with "."';
  return undefined;
}

/** Why `uri` cannot be handed to git as a repository; undefined when it can. */
export function gitUriProblem(uri: string): string | undefined {
  if (uri.startsWith('-')) return 'must not start with "-" (git would read it as an option)';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(uri)) return 'must not contain control characters';
  return undefined;
}
