// Local `$ref`s of an OpenAPI document, and its schemas turned into plain JSON Schema.
// Schemas are inlined so a generated schema file reads on its own; a schema that refers to itself
// (a tree, a linked list) cannot be inlined, so it goes to `$defs` (`definitions` for draft-07)
// once and is referred to from there: recursion is kept exactly, not cut at some depth.
// Only references inside the document (`#/...`) are followed; others are refused by name.
import { OpenApiError, isObject, type Json, type JsonObject, type OpenApiDocument } from './document.ts';

/** Longest chain of `$ref`s to `$ref`s, and deepest nesting of inlined schemas. */
const MAX_REF_DEPTH = 64;
/** Inlining shared schemas can multiply; past this many nodes the document is refused. */
const MAX_NODES = 100_000;

/** `#/components/schemas/Pet` → the value there; `where` names the referring place in messages. */
export function resolvePointer(doc: OpenApiDocument, ref: string, where: string): Json {
  if (!ref.startsWith('#')) {
    throw new OpenApiError(
      `${doc.source}: ${where}: $ref "${ref}" points outside the document; only local references (#/components/...) are followed`,
    );
  }
  const tokens = ref === '#' || ref === '#/' ? [] : ref.slice(2).split('/');
  let node: Json = doc.root;
  for (const raw of tokens) {
    const token = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    const next: Json | undefined = Array.isArray(node)
      ? node[Number(token)]
      : isObject(node) && Object.hasOwn(node, token)
        ? node[token]
        : undefined;
    if (next === undefined) {
      throw new OpenApiError(
        `${doc.source}: ${where}: $ref "${ref}" points to nothing ("${token}" is missing)`,
      );
    }
    node = next;
  }
  return node;
}

/** Follows `$ref` chains of a parameter, request body, response or example to the object itself. */
export function deref(doc: OpenApiDocument, value: Json | undefined, where: string): Json | undefined {
  let current = value;
  const seen: string[] = [];
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (seen.includes(ref) || seen.length >= MAX_REF_DEPTH) {
      throw new OpenApiError(`${doc.source}: ${where}: $ref chain ${[...seen, ref].join(' → ')} never ends`);
    }
    seen.push(ref);
    current = resolvePointer(doc, ref, where);
  }
  return current;
}

const ANNOTATIONS = new Set([
  'description',
  'title',
  'example',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
]);

/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** Converts the schemas of one generated schema file, collecting the recursive ones it needs. */
export class SchemaConverter {
  readonly defsKeyword: '$defs' | 'definitions';
  private readonly defs = new Map<string, { name: string; value?: Json }>();
  private nodes = 0;
  private readonly doc: OpenApiDocument;

  constructor(doc: OpenApiDocument) {
    this.doc = doc;
    this.defsKeyword = doc.dialect === '3.1' ? '$defs' : 'definitions';
  }

  /** The `$schema` a file made by this converter declares. */
  get dialectUri(): string {
    return this.doc.dialect === '3.1'
      ? 'https://json-schema.org/draft/2020-12/schema'
      : 'http://json-schema.org/draft-07/schema#';
  }

  convert(schema: Json | undefined, where: string): Json {
    if (schema === undefined) return {};
    return this.walk(schema, where, []);
  }

  /** The recursive schemas referred to so far, ready to put under `defsKeyword` (empty: none). */
  collectedDefs(): JsonObject {
    const out: JsonObject = {};
    // A definition's body may ask for further definitions; loop until none is missing.
    for (let pending = this.missing(); pending.length > 0; pending = this.missing()) {
      for (const [ref, def] of pending) {
        // Marked as being resolved first, so a reference to it met while walking its own body is
        // not queued again; the walk's result then takes its place.
        def.value = {};
        def.value = this.walk(resolvePointer(this.doc, ref, ref), ref, [ref]);
      }
    }
    for (const def of this.defs.values()) out[def.name] = def.value ?? {};
    return out;
  }

  private missing(): [string, { name: string; value?: Json }][] {
    return [...this.defs.entries()].filter(([, d]) => d.value === undefined);
  }

  private defRef(ref: string): string {
    let def = this.defs.get(ref);
    if (!def) {
      const base = (ref.split('/').pop() ?? 'schema').replace(/[^A-Za-z0-9_.-]/g, '_') || 'schema';
      const taken = new Set([...this.defs.values()].map((d) => d.name));
      let name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
      def = { name };
      this.defs.set(ref, def);
    }
    return `#/${this.defsKeyword}/${def.name}`;
  }

  private walk(node: Json, where: string, stack: string[]): Json {
    if (++this.nodes > MAX_NODES) {
      throw new OpenApiError(
        `${this.doc.source}: ${where}: the schemas expand to more than ${MAX_NODES} nodes when their $refs are inlined`,
      );
    }
    if (Array.isArray(node)) return node.map((item, i) => this.walk(item, `${where}[${i}]`, stack));
    if (!isObject(node)) return node;
    if (typeof node.$ref === 'string') return this.walkRef(node, node.$ref, where, stack);
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      // Values of these keywords are data, not schemas: copy them untouched.
      if (key === 'example' || key === 'examples' || key === 'default' || key === 'enum' || key === 'const') {
        out[key] = value;
      } else if (key === 'discriminator' || key === 'xml' || key === 'externalDocs') {
        continue; // OpenAPI-only annotations with no JSON Schema meaning
      } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
        // Names → schemas: a property called "default" is a schema, not data.
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, sub]) => [
            name,
            this.walk(sub, `${where}.${key}.${name}`, stack),
          ]),
        );
      } else {
        out[key] = this.walk(value, `${where}.${key}`, stack);
      }
    }
    return this.doc.dialect === '3.0' ? fromOpenApi30(out) : out;
  }

  private walkRef(node: JsonObject, ref: string, where: string, stack: string[]): Json {
    if (stack.includes(ref)) return { $ref: this.defRef(ref) };
    if (stack.length >= MAX_REF_DEPTH) {
      throw new OpenApiError(
        `${this.doc.source}: ${where}: schemas nest more than ${MAX_REF_DEPTH} $refs deep`,
      );
    }
    const target = this.walk(resolvePointer(this.doc, ref, where), ref, [...stack, ref]);
    const siblings = Object.entries(node).filter(([k]) => k !== '$ref');
    if (siblings.length === 0) return target;
    const rest = Object.fromEntries(siblings.map(([k, v]) => [k, this.walk(v, `${where}.${k}`, stack)]));
    // Annotations beside a $ref (a description, say) can sit on the inlined schema; constraints
    // must hold together with the target's, so they combine through allOf.
    if (isObject(target) && siblings.every(([k]) => ANNOTATIONS.has(k))) return { ...target, ...rest };
    return { allOf: [target], ...rest };
  }
}

/** OpenAPI 3.0's schema dialect → draft-07: `nullable` and boolean `exclusiveMinimum/Maximum`. */
function fromOpenApi30(schema: JsonObject): JsonObject {
  const out = { ...schema };
  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  delete out.nullable;
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else delete out[flag];
  }
  return out;
}
