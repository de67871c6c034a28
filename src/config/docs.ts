// docs/configuration.md is generated from the schema (`ratchet config docs > docs/configuration.md`),
// and docs.test.ts fails when the committed file differs, so the reference cannot drift from the code.
import type { z } from 'zod';
import { envVariableFor } from './env.ts';
import { arrayElement, describeType, kindOf, objectShape, unwrap } from './introspect.ts';
import { isSecretKey } from './mask.ts';
import { ConfigSchema } from './schema.ts';

const DEFAULTS: unknown = ConfigSchema.parse({});

export function renderConfigDocs(): string {
  const sections = Object.entries(objectShape(ConfigSchema) ?? {}).map(([name, schema]) =>
    renderObject([name], schema),
  );
  return `${INTRO}\n## Keys\n${sections.join('')}`;
}

function renderObject(path: string[], schema: z.ZodType): string {
  const { description } = unwrap(schema);
  const rows: string[] = [];
  const nested: string[] = [];
  collectRows(path, schema, rows, nested);
  const title = `\n${'#'.repeat(Math.min(path.length + 2, 4))} \`${path.join('.')}\``;
  const table = rows.length
    ? `\n| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`
    : '';
  return `${title}\n${description ? `\n${description}.\n` : ''}${table}${nested.join('')}`;
}

/** Leaf keys become rows; lists of objects get their own table of item fields. */
function collectRows(path: string[], schema: z.ZodType, rows: string[], nested: string[]): void {
  for (const [key, child] of Object.entries(objectShape(schema) ?? {})) {
    const childPath = [...path, key];
    if (kindOf(child) === 'object') {
      collectRows(childPath, child, rows, nested);
      continue;
    }
    rows.push(row(childPath, child));
    const element = arrayElement(child);
    if (element && kindOf(element) === 'object') nested.push(renderItems(childPath, element));
  }
}

function renderItems(path: string[], element: z.ZodType): string {
  const rows: string[] = [];
  const nested: string[] = [];
  collectRows([], element, rows, nested);
  const prefix = `${path.join('.')}[]`;
  return (
    `\n#### Items of \`${prefix}\`\n\nSet the whole list from the environment as JSON with \`${envVariableFor(path)}\`.\n` +
    `\n| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n${nested.join('')}`
  );
}

function row(path: string[], schema: z.ZodType): string {
  const info = unwrap(schema);
  const inItem = path.length > 0 && !Object.hasOwn(DEFAULTS as object, path[0]!);
  const fallback = info.hasDefault
    ? `\`${JSON.stringify(inItem ? info.defaultValue : valueAt(DEFAULTS, path))}\``
    : info.optional
      ? 'not set'
      : '**required**';
  const secret = info.secret || isSecretKey(path[path.length - 1]!) ? ' Masked by `config show`.' : '';
  const env = inItem ? '' : ` Environment: \`${envVariableFor(path)}\`.`;
  const text = `${info.description ?? ''}.${secret}${env}`.replace(/^\./, '').trim();
  return `| \`${path.join('.')}\` | ${cell(describeType(schema))} | ${cell(fallback)} | ${cell(text)} |`;
}

function valueAt(root: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const INTRO = `# Configuration

<!-- Generated from src/config/schema.ts by \`ratchet config docs\`; do not edit by hand.
     Regenerate with: npx node dist/cli/main.js config docs > docs/configuration.md -->

Ratchet runs with no configuration file at all: every key has a default. Settings come from, in
increasing precedence:

1. the defaults listed below;
2. a configuration file given with \`--config FILE\` (YAML, or JSON when the name ends in \`.json\`),
   accepted by every command, before or after the subcommand;
3. environment variables.

Start from a generated, commented file, check it, and look at the result:

\`\`\`sh
ratchet config generate --type dev --output ratchet.yaml
ratchet config validate --config ratchet.yaml
ratchet --config ratchet.yaml config show --format json
\`\`\`

\`ratchet config generate --type\` takes \`minimal\`, \`dev\` or \`production\`; it refuses to overwrite an
existing file unless given \`--force\`. \`ratchet config show\` prints the effective configuration after
the file and the environment, with secrets masked.

## Environment variables

Every key can be set from the environment by one rule: \`RATCHET_\` followed by the key path in upper
case, with levels joined by a double underscore \`__\`. Single underscores are part of key names.

| Key | Variable |
| --- | --- |
| \`server.port\` | \`RATCHET_SERVER__PORT=9000\` |
| \`execution.max_execution_duration\` | \`RATCHET_EXECUTION__MAX_EXECUTION_DURATION=60\` |
| \`server.database.url\` | \`RATCHET_SERVER__DATABASE__URL=sqlite::memory:\` |
| \`http.allowed_hosts\` | \`RATCHET_HTTP__ALLOWED_HOSTS=api.example.com,cdn.example.com\` |
| \`registry.sources\` | \`RATCHET_REGISTRY__SOURCES='[{"name":"local","uri":"file://./tasks"}]'\` |

Values are parsed as the key's type: numbers; booleans as \`true\`/\`false\`, \`1\`/\`0\`, \`yes\`/\`no\` or
\`on\`/\`off\`; enumerations case-insensitively; lists of simple values as JSON (\`["a","b"]\`) or
comma-separated (\`a,b\`); lists of objects and objects as JSON. An empty value unsets an optional key.
A \`RATCHET_<SECTION>__…\` variable that names no key is an error that names the variable; other
\`RATCHET_\` variables are left alone.

\`RATCHET_DATABASE_URL\` is a shortcut for \`server.database.url\` (\`RATCHET_SERVER__DATABASE__URL\` wins
when both are set).

\`\`\`sh
RATCHET_SERVER__PORT=9000 ratchet config show
RATCHET_HTTP__ALLOWED_HOSTS=api.example.com,cdn.example.com ratchet config validate
RATCHET_DATABASE_URL=postgres://ratchet:secret@localhost:5432/ratchet ratchet config show --format json
\`\`\`

## Relative paths

A relative path written in a configuration file (SQLite database files, \`file://\` and local registry
sources, \`registry.cache_dir\`, TLS files) is taken from the folder of that file, so a configuration
works the same from any directory. A relative path from the environment or from a default is taken
from the current directory.

## Errors

Problems are reported all at once, each as \`SOURCE: KEY.PATH: WHAT (got VALUE, expected WHAT)\`, where
SOURCE is \`file:line:column\` or the environment variable that set the value. Unknown keys are errors,
with a suggestion when one is close:

\`\`\`text
ratchet.yaml:2:3: server.prot: unknown key "server.prot" (did you mean "server.port"?)
ratchet.yaml:7:3: logging.level: invalid value (got "loud", expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent")
RATCHET_SERVER__PORT: server.port: not a number (got "abc", expected integer 1–65535)
\`\`\`

## Secrets

\`ratchet config show\` and error messages mask passwords inside URLs
(\`postgres://ratchet:****@db/ratchet\`) and the value of every key whose name contains \`secret\`,
\`token\`, \`password\` or \`credential\`, or is \`key\`.
`;
