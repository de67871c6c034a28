// Semver precedence as sortable columns, so "highest version" is an ORDER BY, not a scan in JS.
// major/minor/patch are integers; prerelease_key is text whose byte order equals semver's
// prerelease precedence (PostgreSQL stores it with collation "C" so the order is bytewise there too).
import semver from 'semver';

export interface VersionParts {
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
  prereleaseKey: string;
}

/** Releases rank above every prerelease of the same major.minor.patch; prerelease keys start 0 or 1. */
const RELEASE_KEY = '2';
/** Sorts below every identifier character ([0-9A-Za-z-]), so a shorter identifier list ranks lower. */
const SEPARATOR = '!';
const MAX_PART = 2 ** 31 - 1;

/**
 * Encodes one prerelease identifier: numeric ones rank below alphanumeric ones and compare by
 * value (length first, then digits); alphanumeric ones compare in ASCII order.
 */
function identifierKey(id: string | number): string {
  const text = String(id);
  if (/^[0-9]+$/.test(text)) {
    if (text.length > 99) throw new RangeError(`prerelease identifier ${text} is too long`);
    return `0${String(text.length).padStart(2, '0')}${text}`;
  }
  return `1${text}`;
}

/**
 * A version text that is not semver (given by a caller: a job's `version`, a lookup). Faces map
 * it to a 400 / tool error; it extends RangeError so older `instanceof RangeError` checks hold.
 */
export class InvalidVersionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidVersionError';
  }
}

export function versionParts(version: string): VersionParts {
  const parsed = semver.parse(version.trim());
  if (!parsed) {
    throw new InvalidVersionError(
      `version "${version}" is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.2.0)`,
    );
  }
  for (const [name, n] of [
    ['major', parsed.major],
    ['minor', parsed.minor],
    ['patch', parsed.patch],
  ] as const) {
    if (n > MAX_PART) throw new InvalidVersionError(`version "${version}": ${name} ${n} exceeds ${MAX_PART}`);
  }
  const pre = parsed.prerelease;
  return {
    version: parsed.build.length > 0 ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: pre.length > 0 ? pre.join('.') : null,
    prereleaseKey: pre.length > 0 ? pre.map(identifierKey).join(SEPARATOR) : RELEASE_KEY,
  };
}
