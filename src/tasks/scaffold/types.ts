// The shape of a task template: a name, a one-line description and the files it writes, built
// from the values given to `ratchet generate task`.

export interface TemplateVars {
  name: string;
  label: string;
  description: string;
  version: string;
  author?: string;
  tags: string[];
}

/** File path inside the task folder → contents (objects are written as pretty JSON). */
export type TemplateFiles = Record<string, string | object>;

export interface TaskTemplate {
  name: string;
  description: string;
  /** Tags added to the ones the user gave. */
  tags: string[];
  /** Extra metadata.json keys (e.g. a timeout for tasks that call out). */
  metadata?: Record<string, unknown>;
  files(vars: TemplateVars): TemplateFiles;
}

/** The header comment of every generated main.js; one line each so no value can end the comment. */
export function header(vars: TemplateVars, what: string): string {
  const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
  return `// ${oneLine(vars.label)}: ${oneLine(vars.description)}\n// ${what}\n`;
}

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
