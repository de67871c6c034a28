// `--auto-test-cases`: test files for a task generated from an OpenAPI operation, one per
// documented success example and one per documented error status, each answering the task's
// request with `mock_http`. Inputs and expected outputs are checked against the generated
// schemas first, so every case written can pass; what cannot is left out with the reason.
import { compileSchema, validateWith } from '../../schema.ts';
import { errorTypeFor, requestUrl } from './code.ts';
import { isObject, type Json, type JsonObject, type OpenApiDocument } from './document.ts';
import { BASE_URL_KEY, type OperationModel, type ResponseModel } from './operation.ts';
import { deref } from './refs.ts';
import { documentedExample, namedExamples, sampleValue } from './samples.ts';

/** More success examples than this are not turned into cases. */
const MAX_SUCCESS_CASES = 5;
const FALLBACK_BASE_URL = 'https://api.example.com';

export interface GeneratedCases {
  /** `tests/test-001.json` → test case. */
  files: Record<string, JsonObject>;
  notes: string[];
}

interface Schemas {
  input: JsonObject;
  output?: JsonObject;
}

function violations(schema: JsonObject | undefined, value: Json, file: string): string | undefined {
  if (schema === undefined) return undefined;
  const found = validateWith(compileSchema(schema, file), value);
  return found.length === 0 ? undefined : found.map((v) => `${v.path} ${v.message}`).join('; ');
}

export function buildTestCases(
  doc: OpenApiDocument,
  model: OperationModel,
  schemas: Schemas,
): GeneratedCases {
  const notes: string[] = [];
  const follow = (v: Json): Json | undefined => deref(doc, v, 'an example');
  const props = isObject(schemas.input.properties) ? schemas.input.properties : {};
  const input: JsonObject = {};
  const madeUp: string[] = [];
  for (const p of model.parameters) {
    let value = documentedExample(p.spec, follow);
    if (value === undefined && isObject(p.spec.schema)) value = documentedExample(p.spec.schema, follow);
    if (value === undefined && !p.required) continue;
    if (value === undefined) madeUp.push(p.key);
    input[p.key] = value ?? sampleValue(props[p.key], schemas.input);
  }
  if (model.body) {
    const value = documentedExample(model.body.json.media, follow);
    if (value !== undefined || model.body.required) {
      if (value === undefined) madeUp.push(model.body.key);
      input[model.body.key] = value ?? sampleValue(props[model.body.key], schemas.input);
    }
  }
  let baseUrl = model.baseUrl;
  if (baseUrl === undefined) {
    baseUrl = FALLBACK_BASE_URL;
    input[BASE_URL_KEY] = baseUrl;
  }
  if (madeUp.length > 0) {
    notes.push(
      `no example in the document for ${madeUp.join(', ')}: the test input uses values made up from the schema`,
    );
  }
  const wrongInput = violations(schemas.input, input, 'input.schema.json');
  if (wrongInput !== undefined) {
    notes.push(`no test cases: the example input does not match input.schema.json (${wrongInput})`);
    return { files: {}, notes };
  }
  const url = requestUrl(model, input, baseUrl);
  const request = (status: number, contentType: string | undefined, body: Json | undefined): JsonObject => ({
    method: model.method,
    url,
    response: {
      status,
      ...(contentType !== undefined ? { headers: { 'content-type': contentType } } : {}),
      body: body ?? '',
    },
  });

  const cases: JsonObject[] = [];
  for (const c of successCases(model.success, schemas, notes, follow)) {
    cases.push({
      name: `${model.operationId}: ${c.name}`,
      description: `${model.method} ${model.path} answered ${c.status} (${c.origin}); generated from the OpenAPI document`,
      input,
      expected_output: c.body ?? null,
      mock_http: { requests: [request(c.status, c.contentType, c.body)] },
    });
  }
  for (const res of model.errors) {
    const body = responseBody(res, follow);
    cases.push({
      name: `${model.operationId}: a ${res.status} answer becomes ${errorTypeFor(res.status)}`,
      description: `the document lists a ${res.status} response for ${model.method} ${model.path}; generated from the OpenAPI document`,
      input,
      expected_error: {
        type: errorTypeFor(res.status),
        message: `${model.method} ${url} answered ${res.status}`,
      },
      mock_http: { requests: [request(res.status, res.json?.mediaType, body)] },
    });
  }
  const files: Record<string, JsonObject> = {};
  cases.forEach((c, i) => (files[`tests/test-${String(i + 1).padStart(3, '0')}.json`] = c));
  return { files, notes };
}

interface SuccessCase {
  name: string;
  origin: string;
  status: number;
  contentType?: string;
  body?: Json;
}

function successCases(
  success: ResponseModel | undefined,
  schemas: Schemas,
  notes: string[],
  follow: (v: Json) => Json | undefined,
): SuccessCase[] {
  if (!success) return [];
  const status = success.status;
  if (!success.json) {
    if (success.otherContent.length > 0) {
      notes.push(`no success test case: the ${status} response is not JSON`);
      return [];
    }
    return [{ name: `answers ${status} without a body`, origin: 'no content', status }];
  }
  const { media, mediaType } = success.json;
  const found: { name: string; origin: string; body: Json }[] = [];
  if (media.example !== undefined)
    found.push({ name: 'the documented example', origin: 'its example', body: media.example });
  for (const ex of namedExamples(media, follow)) {
    found.push({
      name: ex.summary ?? `example "${ex.name}"`,
      origin: `example "${ex.name}"`,
      body: ex.value,
    });
  }
  if (found.length === 0) {
    const body = sampleValue(schemas.output, schemas.output ?? {});
    found.push({ name: `answers ${status}`, origin: 'a body made up from the response schema', body });
    notes.push(`the ${status} response has no example: its test case uses a body made up from the schema`);
  }
  const cases: SuccessCase[] = [];
  for (const f of found.slice(0, MAX_SUCCESS_CASES)) {
    const wrong = violations(schemas.output, f.body, 'output.schema.json');
    if (wrong !== undefined) {
      notes.push(
        `left out the ${f.origin} of the ${status} response: it does not match the response schema (${wrong})`,
      );
      continue;
    }
    cases.push({ name: f.name, origin: f.origin, status, contentType: mediaType, body: f.body });
  }
  if (found.length > MAX_SUCCESS_CASES)
    notes.push(`only the first ${MAX_SUCCESS_CASES} examples of the ${status} response became test cases`);
  return cases;
}

function responseBody(res: ResponseModel, follow: (v: Json) => Json | undefined): Json | undefined {
  if (!res.json) return undefined;
  const shown = documentedExample(res.json.media, follow);
  if (shown !== undefined) return shown;
  return isObject(res.json.media.schema) ? documentedExample(res.json.media.schema, follow) : undefined;
}
