// One operation of an OpenAPI document, read into what a task needs: the request's parts (path,
// query and header parameters, a JSON body), the success response and the documented errors,
// the base URL, and a note for everything left out. Schemas come out as plain JSON Schema.
import { OpenApiError, isObject, type Json, type JsonObject, type OpenApiDocument } from './document.ts';
import { SchemaConverter, deref } from './refs.ts';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ParameterModel {
  name: string;
  in: 'path' | 'query' | 'header';
  /** The input property that holds it (the name, unless two parameters share one). */
  key: string;
  required: boolean;
  /** The OpenAPI parameter object, its $refs followed (for its examples). */
  spec: JsonObject;
}

export interface MediaModel {
  mediaType: string;
  /** The OpenAPI media type object (schema, example, examples). */
  media: JsonObject;
}

export interface ResponseModel {
  status: number;
  /** The JSON content, when the response has one. */
  json?: MediaModel;
  /** The response declares content, none of it JSON. */
  otherContent: string[];
}

export interface OperationModel {
  operationId: string;
  method: string;
  path: string;
  summary?: string;
  description?: string;
  parameters: ParameterModel[];
  /** Input property of the JSON request body (absent: the operation sends none). */
  body?: { key: string; required: boolean; json: MediaModel };
  success?: ResponseModel;
  errors: ResponseModel[];
  /** servers[0] with its variables' defaults; absent when the document gives no absolute one. */
  baseUrl?: string;
  /** What the generated task leaves out, in words. */
  skipped: string[];
}

export const BASE_URL_KEY = 'baseUrl';

/** Every operation id of the document, in document order. */
export function operationIds(doc: OpenApiDocument): string[] {
  const ids: string[] = [];
  for (const [path, item] of Object.entries(doc.root.paths as JsonObject)) {
    const pathItem = deref(doc, item, `paths["${path}"]`);
    if (!isObject(pathItem)) continue;
    for (const method of METHODS) {
      const op = pathItem[method];
      if (isObject(op) && typeof op.operationId === 'string') ids.push(op.operationId);
    }
  }
  return ids;
}

export function isJsonMediaType(type: string): boolean {
  const bare = type.split(';')[0]!.trim().toLowerCase();
  return bare === 'application/json' || /^[a-z]+\/[^;]*\+json$/.test(bare);
}

function jsonContent(content: Json | undefined): { json?: MediaModel; other: string[] } {
  if (!isObject(content)) return { other: [] };
  const types = Object.keys(content);
  const type = types.find(isJsonMediaType);
  if (type === undefined) return { other: types };
  const media = content[type];
  return { json: { mediaType: type, media: isObject(media) ? media : {} }, other: [] };
}

/** The operation with this id, or an OpenApiError listing the ids there are. */
export function readOperation(doc: OpenApiDocument, operationId: string, specUrl?: string): OperationModel {
  for (const [path, item] of Object.entries(doc.root.paths as JsonObject)) {
    const pathItem = deref(doc, item, `paths["${path}"]`);
    if (!isObject(pathItem)) continue;
    for (const method of METHODS) {
      const op = pathItem[method];
      if (isObject(op) && op.operationId === operationId) {
        return buildModel(doc, { path, method, pathItem, op, specUrl });
      }
    }
  }
  const ids = operationIds(doc);
  throw new OpenApiError(
    `${doc.source}: no operation has the operationId "${operationId}"; ` +
      (ids.length > 0 ? `the operations are: ${ids.join(', ')}` : 'the document declares no operationId'),
  );
}

interface Found {
  path: string;
  method: string;
  pathItem: JsonObject;
  op: JsonObject;
  specUrl?: string;
}

function buildModel(doc: OpenApiDocument, f: Found): OperationModel {
  const where = `paths["${f.path}"].${f.method}`;
  const skipped: string[] = [];
  const model: OperationModel = {
    operationId: f.op.operationId as string,
    method: f.method.toUpperCase(),
    path: f.path,
    parameters: [],
    errors: [],
    skipped,
  };
  if (typeof f.op.summary === 'string') model.summary = f.op.summary;
  if (typeof f.op.description === 'string') model.description = f.op.description;
  const taken = new Set([BASE_URL_KEY]);
  model.parameters = readParameters(doc, f, where, skipped, taken);

  const body = deref(doc, f.op.requestBody, `${where}.requestBody`);
  if (isObject(body)) {
    const { json, other } = jsonContent(body.content);
    if (json) {
      const key = ['body', 'requestBody', 'request_body'].find((k) => !taken.has(k))!;
      taken.add(key);
      model.body = { key, required: body.required === true, json };
    } else {
      skipped.push(
        `the request body (${other.join(', ') || 'no content'}) is not JSON, so the task does not send it`,
      );
    }
  }

  const responses = isObject(f.op.responses) ? f.op.responses : {};
  const read = (code: string): ResponseModel => {
    const res = deref(doc, responses[code], `${where}.responses["${code}"]`);
    const { json, other } = jsonContent(isObject(res) ? res.content : undefined);
    const status = /^\dXX$/i.test(code) ? Number(code[0]) * 100 : Number(code);
    return { status, ...(json ? { json } : {}), otherContent: other };
  };
  const codes = Object.keys(responses).filter((c) => /^[1-5](\d\d|XX)$/i.test(c));
  const successCode = codes
    .filter((c) => c.startsWith('2'))
    .sort((a, b) => a.toUpperCase().localeCompare(b.toUpperCase()))[0];
  if (successCode === undefined) {
    skipped.push('the operation documents no 2xx response, so output.schema.json is not written');
  } else {
    model.success = read(successCode);
    if (!model.success.json && model.success.otherContent.length > 0) {
      skipped.push(
        `the ${successCode} response is not JSON (${model.success.otherContent.join(', ')}): output.schema.json is not written and the task returns the body as text`,
      );
    }
  }
  model.errors = codes.filter((c) => /^[45]\d\d$/.test(c)).map(read);
  const base = serverUrl(doc, f, skipped);
  if (base !== undefined) model.baseUrl = base;
  return model;
}

function readParameters(
  doc: OpenApiDocument,
  f: Found,
  where: string,
  skipped: string[],
  taken: Set<string>,
): ParameterModel[] {
  // Operation parameters override path-level ones with the same name and location.
  const byId = new Map<string, JsonObject>();
  const lists: [Json | undefined, string][] = [
    [f.pathItem.parameters, `paths["${f.path}"].parameters`],
    [f.op.parameters, `${where}.parameters`],
  ];
  for (const [list, at] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((raw, i) => {
      const p = deref(doc, raw, `${at}[${i}]`);
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') {
        throw new OpenApiError(`${doc.source}: ${at}[${i}] is not a parameter (it needs "name" and "in")`);
      }
      byId.set(`${p.in}:${p.name}`, p);
    });
  }
  const out: ParameterModel[] = [];
  for (const p of byId.values()) {
    const name = p.name as string;
    const location = p.in as string;
    if (location !== 'path' && location !== 'query' && location !== 'header') {
      skipped.push(`the ${location} parameter "${name}" (only path, query and header parameters are sent)`);
      continue;
    }
    // main.js sends query values form-encoded and headers as text; say so where the document asks otherwise.
    if (typeof p.style === 'string' && p.style !== 'form' && p.style !== 'simple') {
      skipped.push(`the ${p.style} style of the ${location} parameter "${name}" (it is sent form-encoded)`);
    } else if (p.content !== undefined && location === 'query') {
      skipped.push(`the content encoding of the query parameter "${name}" (it is sent form-encoded)`);
    }
    let key = name;
    if (taken.has(key)) key = `${name}_${location}`;
    for (let i = 2; taken.has(key); i++) key = `${name}_${location}_${i}`;
    taken.add(key);
    out.push({ name, in: location, key, required: location === 'path' || p.required === true, spec: p });
  }
  return out;
}

/** servers[0] of the operation, its path or the document, variables replaced by their defaults. */
function serverUrl(doc: OpenApiDocument, f: Found, skipped: string[]): string | undefined {
  const lists = [f.op.servers, f.pathItem.servers, doc.root.servers];
  const server = lists.map((l) => (Array.isArray(l) ? l[0] : undefined)).find(isObject);
  const raw = server && typeof server.url === 'string' ? server.url : '/';
  const vars = server && isObject(server.variables) ? server.variables : {};
  const url = raw.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return isObject(v) && typeof v.default === 'string' ? v.default : whole;
  });
  try {
    return new URL(url).href.replace(/\/+$/, '');
  } catch {
    // A relative server URL is relative to where the document was read from.
    if (f.specUrl !== undefined && /^https?:/i.test(f.specUrl)) {
      return new URL(url, f.specUrl).href.replace(/\/+$/, '');
    }
    skipped.push(
      `the document gives no absolute server URL (servers[0].url is "${raw}"), so the input field ${BASE_URL_KEY} is required`,
    );
    return undefined;
  }
}

/** input.schema.json and output.schema.json of the operation, as JSON Schema. */
export function operationSchemas(
  doc: OpenApiDocument,
  model: OperationModel,
): { input: JsonObject; output?: JsonObject } {
  const where = `paths["${model.path}"].${model.method.toLowerCase()}`;
  const inputs = new SchemaConverter(doc);
  const properties: JsonObject = {
    [BASE_URL_KEY]: {
      type: 'string',
      description:
        'Base URL of the API (servers[0] of the OpenAPI document); point it elsewhere to call another deployment',
      ...(model.baseUrl !== undefined ? { default: model.baseUrl } : {}),
    },
  };
  const required: string[] = model.baseUrl === undefined ? [BASE_URL_KEY] : [];
  for (const p of model.parameters) {
    const content = jsonContent(p.spec.content).json?.media.schema;
    const schema = inputs.convert(
      p.spec.schema ?? content ?? { type: 'string' },
      `${where} parameter ${p.name}`,
    );
    const description = typeof p.spec.description === 'string' ? p.spec.description : undefined;
    properties[p.key] =
      isObject(schema) && description !== undefined && schema.description === undefined
        ? { ...schema, description }
        : schema;
    if (p.required) required.push(p.key);
  }
  if (model.body) {
    properties[model.body.key] = inputs.convert(model.body.json.media.schema, `${where}.requestBody`);
    if (model.body.required) required.push(model.body.key);
  }
  const input: JsonObject = { $schema: inputs.dialectUri, type: 'object', required, properties };
  withDefs(input, inputs);

  const json = model.success?.json;
  if (model.success && !json && model.success.otherContent.length === 0) {
    return { input, output: { $schema: inputs.dialectUri, type: 'null' } };
  }
  if (!json) return { input };
  const outputs = new SchemaConverter(doc);
  const schema = outputs.convert(json.media.schema, `${where}.responses["${model.success!.status}"]`);
  const output: JsonObject = { $schema: outputs.dialectUri, ...(isObject(schema) ? schema : {}) };
  if (schema === false) output.not = {};
  withDefs(output, outputs);
  return { input, output };
}

function withDefs(schema: JsonObject, converter: SchemaConverter): void {
  const defs = converter.collectedDefs();
  if (Object.keys(defs).length === 0) return;
  const own = schema[converter.defsKeyword];
  schema[converter.defsKeyword] = { ...(isObject(own) ? own : {}), ...defs };
}
