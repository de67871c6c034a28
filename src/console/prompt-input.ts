// Asks for each field of a task's input schema with a typed prompt (@inquirer/prompts): enums as
// a choice, numbers and booleans typed, defaults offered, required fields insisted on.
import { confirm, input, number, select } from '@inquirer/prompts';

interface FieldSchema {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
}

export async function promptForInput(schema: unknown): Promise<unknown> {
  const s = (schema ?? {}) as { properties?: Record<string, FieldSchema>; required?: string[] };
  const props = Object.entries(s.properties ?? {});
  if (props.length === 0) return {};
  const required = new Set(s.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, f] of props) {
    const message = `${name}${f.description ? ` (${f.description})` : ''}${required.has(name) ? '' : ' [optional]'}`;
    const type = Array.isArray(f.type) ? f.type.find((t) => t !== 'null') : f.type;
    let value: unknown;
    if (f.enum) {
      value = await select({
        message,
        choices: f.enum.map((v) => ({ name: String(v), value: v })),
        default: f.default,
      });
    } else if (type === 'number' || type === 'integer') {
      value = await number({
        message,
        default: typeof f.default === 'number' ? f.default : undefined,
        required: required.has(name),
        step: type === 'integer' ? 1 : 'any',
      });
    } else if (type === 'boolean') {
      value = await confirm({ message, default: typeof f.default === 'boolean' ? f.default : false });
    } else if (type === 'object' || type === 'array') {
      const text = await input({
        message: `${message} (JSON)`,
        default: f.default === undefined ? undefined : JSON.stringify(f.default),
        required: required.has(name),
        validate: (t) => {
          if (t === '') return true;
          try {
            JSON.parse(t);
            return true;
          } catch (err) {
            return `not valid JSON: ${(err as Error).message}`;
          }
        },
      });
      value = text === '' ? undefined : JSON.parse(text);
    } else {
      const text = await input({
        message,
        default: typeof f.default === 'string' ? f.default : undefined,
        required: required.has(name),
      });
      value = text === '' ? undefined : text;
    }
    if (value !== undefined) out[name] = value;
  }
  return out;
}
