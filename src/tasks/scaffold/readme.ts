// `generate task --include-docs`: a README.md for the new task, written from what the scaffold
// produced (metadata, schemas, the example test), so it describes the files as they are: the
// input and output fields with their types and descriptions, and the commands that run and test
// the task from the folder it was created in.

type Schema = Record<string, unknown>;

interface ReadmeSource {
  /** The folder as the user gave it (shown in the commands). */
  path: string;
  metadata: Record<string, unknown>;
  /** File path → text, as the scaffold writes them. */
  files: Record<string, string>;
}

export function taskReadme({ path, metadata, files }: ReadmeSource): string {
  const read = (name: string): Schema | undefined => {
    const text = files[name];
    return text === undefined ? undefined : (JSON.parse(text) as Schema);
  };
  const example = Object.keys(files)
    .filter((f) => f.startsWith('tests/') && f.endsWith('.json'))
    .sort()
    .map((f) => read(f))
    .find((t) => t !== undefined && 'input' in t && t.should_fail !== true);
  const lines = [
    `# ${String(metadata.label ?? metadata.name)}`,
    '',
    String(metadata.description ?? ''),
    '',
    `Task \`${String(metadata.name)}\`, version ${String(metadata.version)}.`,
    '',
    '## Input',
    '',
    ...fieldTable(read('input.schema.json')),
    '',
    '## Output',
    '',
    ...fieldTable(read('output.schema.json')),
    '',
    '## Run and test',
    '',
    '```sh',
    `ratchet validate ${path}`,
    `ratchet run-once ${path} --input-json '${JSON.stringify(example?.input ?? {})}'`,
    `ratchet test ${path}`,
    '```',
    '',
    'The code is `main.js`; the test cases are in `tests/` (see the task and testing guides).',
    '',
  ];
  return lines.join('\n');
}

function fieldTable(schema: Schema | undefined): string[] {
  const properties = schema?.properties as Record<string, Schema> | undefined;
  if (!schema) return ['No schema: any JSON value is accepted.'];
  if (!properties || Object.keys(properties).length === 0) {
    return [`A JSON ${typeOf(schema)}${schema.description ? `: ${String(schema.description)}` : ''}.`];
  }
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  return [
    '| Field | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...Object.entries(properties).map(
      ([name, p]) =>
        `| \`${name}\` | ${cell(typeOf(p))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(String(p.description ?? ''))} |`,
    ),
  ];
}

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const type = schema.type;
  if (Array.isArray(type)) return type.join(' or ');
  if (type === 'array') {
    const items = schema.items as Schema | undefined;
    return items ? `array of ${typeOf(items)}` : 'array';
  }
  return typeof type === 'string' ? type : 'any';
}
