// Turning a recording session into a test case (tests/recorded-<stamp>.json) whose mock_http
// answers every request the way the real service did, so a real call becomes an offline
// regression test. The mocks are in the guide's format (COMPAT.md §4):
// `mock_http.requests[] = { method, url, response: { status, headers, body[, bodyEncoding] } }`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpExchange } from '../http/types.ts';
import { RecordingError, type RecordedSession } from './recording.ts';

export interface MockedRequest {
  method: string;
  url: string;
  response: {
    status: number;
    statusText?: string;
    headers?: Record<string, string>;
    body?: unknown;
    bodyEncoding?: 'base64';
  };
}

export interface RecordedTestCase {
  name: string;
  description: string;
  input: unknown;
  expected_output?: unknown;
  expected_error?: { type: string; message: string };
  match?: 'partial';
  mock_http: { requests: MockedRequest[] };
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

function mockRequest(x: HttpExchange, index: number): MockedRequest {
  const res = x.response;
  if (!res) {
    throw new RecordingError(
      `request ${index + 1} (${x.request.method} ${x.request.url}) failed while recording ` +
        `(${x.error?.type}: ${x.error?.message}); mock_http can only answer with a response, ` +
        'so this recording cannot become a test',
    );
  }
  // Key order as a person would write it: status, statusText, headers, body.
  const response: MockedRequest['response'] = { status: res.status };
  if (res.statusText !== '') response.statusText = res.statusText;
  const contentType = res.headers['content-type'];
  if (contentType !== undefined) response.headers = { 'content-type': contentType };
  response.body = res.body;
  if (res.bodyEncoding === 'base64') {
    response.bodyEncoding = 'base64';
  } else if (isJsonMime(res.mimeType) && res.body !== '') {
    try {
      response.body = JSON.parse(res.body);
    } catch {
      // A JSON content type with a malformed body stays text: that is what the task received.
    }
  }
  return { method: x.request.method.toUpperCase(), url: x.request.url, response };
}

/** Removes object fields whose value is `id`; returns whether any was found. */
function dropValue(value: unknown, id: string): { value: unknown; dropped: boolean } {
  if (Array.isArray(value)) {
    let dropped = false;
    const items = value.map((v) => {
      const r = dropValue(v, id);
      dropped ||= r.dropped;
      return r.value;
    });
    return { value: items, dropped };
  }
  if (value !== null && typeof value === 'object') {
    let dropped = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === id) {
        dropped = true;
        continue;
      }
      const r = dropValue(v, id);
      dropped ||= r.dropped;
      out[k] = r.value;
    }
    return { value: out, dropped };
  }
  return { value, dropped: false };
}

export function sessionToTestCase(session: RecordedSession): RecordedTestCase {
  const test: RecordedTestCase = {
    name: `recorded ${session.stamp}`,
    description: `made from the recording ${session.path}`,
    input: session.input,
    mock_http: { requests: session.exchanges.map(mockRequest) },
  };
  if (session.error !== undefined) {
    test.expected_error = { type: session.error.type, message: session.error.message };
    return test;
  }
  // Every run gets a new execution id, so an output that echoes it cannot be compared exactly:
  // leave those fields out and compare the rest (match: partial).
  const id = session.info?.executionId;
  const cleaned = id ? dropValue(session.output, id) : { value: session.output, dropped: false };
  test.expected_output = cleaned.value;
  if (cleaned.dropped) {
    test.match = 'partial';
    test.description += ' (fields holding the execution id are left out)';
  }
  return test;
}

/** Writes tests/recorded-<stamp>.json into a task folder; never overwrites. Returns the file path. */
export async function saveRecordedTest(taskDir: string, session: RecordedSession): Promise<string> {
  const test = sessionToTestCase(session);
  const dir = join(taskDir, 'tests');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `recorded-${session.stamp}.json`);
  try {
    await writeFile(file, `${JSON.stringify(test, null, 2)}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RecordingError(`${file} already exists; remove it first to record this session again`);
    }
    throw err;
  }
  return file;
}
