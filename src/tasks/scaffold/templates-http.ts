// Templates for tasks that call HTTP services: http-api, webhook-handler and scheduled-job.
// Their tests answer every request with mock_http, so `ratchet test` runs them offline.
// Guest code avoids JS template literals so these TypeScript strings need no escaping.
import { DRAFT_07, header, type TaskTemplate } from './types.ts';

const API = 'https://api.example.com';
const json = { 'content-type': 'application/json' };

export const httpApiTemplate: TaskTemplate = {
  name: 'http-api',
  description: 'calls a REST API with fetch, maps HTTP failures to error classes; mocked tests',
  tags: ['http', 'api'],
  metadata: { timeout: 30000 },
  files: (v) => ({
    'main.js': `${header(v, 'GETs {baseUrl}/items/{id} and maps HTTP failures onto Ratchet error classes.')}(function (input, context) {
  var baseUrl = (input.baseUrl || '${API}').replace(/\\/+$/, '');
  var url = baseUrl + '/items/' + encodeURIComponent(String(input.id));
  var headers = { Accept: 'application/json' };
  if (input.apiKey) headers.Authorization = 'Bearer ' + input.apiKey;

  console.info('GET ' + url);
  var response = fetch(url, { method: 'GET', headers: headers });

  // fetch returns every HTTP status; turning them into errors is the task's decision.
  if (response.status === 401) throw new AuthenticationError(url + ' rejected the credentials');
  if (response.status === 403) throw new AuthorizationError(url + ' refused access');
  if (response.status === 404) throw new HttpError(404, 'item ' + input.id + ' was not found');
  if (response.status === 429) throw new RateLimitError(url + ' is rate limiting us');
  if (response.status >= 500) throw new ServiceUnavailableError(url + ' answered ' + response.status);
  if (!response.ok) throw new HttpError(response.status, url + ' answered ' + response.status);

  // A JSON body arrives parsed; anything else (an HTML error page, broken JSON) arrives as text.
  var item = response.body;
  if (item === null || typeof item !== 'object' || item.id === undefined) {
    throw new DataError(url + ' did not answer with a JSON object that has an id');
  }
  return { id: item.id, name: item.name === undefined ? null : item.name, item: item };
})
`,
    'input.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: ['string', 'integer'], description: 'The item to fetch' },
        baseUrl: { type: 'string', format: 'uri', default: API },
        apiKey: { type: 'string', description: 'Sent as a Bearer token when given' },
      },
    },
    'output.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['id', 'name', 'item'],
      properties: { id: {}, name: { type: ['string', 'null'] }, item: { type: 'object' } },
    },
    'tests/test-001.json': {
      name: 'fetches an item',
      input: { id: 7, apiKey: 'test-key' },
      expected_output: { id: 7, name: 'widget', item: { id: 7, name: 'widget', price: 9.5 } },
      mock_http: {
        requests: [
          {
            method: 'GET',
            url: `${API}/items/7`,
            response: { status: 200, headers: json, body: { id: 7, name: 'widget', price: 9.5 } },
          },
        ],
      },
    },
    'tests/test-002.json': {
      name: 'a 404 becomes HttpError',
      input: { id: 404 },
      expected_error: { type: 'HttpError', message: 'item 404 was not found' },
      mock_http: {
        requests: [
          {
            method: 'GET',
            url: `${API}/items/404`,
            response: { status: 404, headers: json, body: { error: 'not found' } },
          },
        ],
      },
    },
    'tests/test-003.json': {
      name: 'a body that is not the expected JSON becomes DataError',
      input: { id: 8 },
      expected_error: { type: 'DataError', message: 'did not answer with a JSON object' },
      mock_http: {
        requests: [
          {
            method: 'GET',
            url: `${API}/items/8`,
            response: {
              status: 200,
              headers: { 'content-type': 'text/html' },
              body: '<html>maintenance</html>',
            },
          },
        ],
      },
    },
  }),
};

export const webhookHandlerTemplate: TaskTemplate = {
  name: 'webhook-handler',
  description: 'handles an incoming webhook event and forwards a notification; mocked tests',
  tags: ['webhook', 'http'],
  metadata: { timeout: 30000 },
  files: (v) => ({
    'main.js': `${header(v, 'Dispatches on event.type; order.created is forwarded to notifyUrl with a POST.')}(function (input, context) {
  var event = input.event;
  console.info('event ' + event.id + ' of type ' + event.type);

  if (event.type === 'order.created') {
    var data = event.data || {};
    if (data.orderId === undefined) throw new DataError('order.created event ' + event.id + ' has no data.orderId');
    var response = fetch(
      input.notifyUrl,
      { method: 'POST', headers: { 'Content-Type': 'application/json' } },
      { text: 'New order ' + data.orderId, orderId: data.orderId, total: data.total }
    );
    if (response.status >= 500) throw new ServiceUnavailableError(input.notifyUrl + ' answered ' + response.status);
    if (!response.ok) throw new HttpError(response.status, 'notification for event ' + event.id + ' was refused');
    return { eventId: event.id, handled: true, action: 'notified', notifyStatus: response.status };
  }
  if (event.type === 'order.cancelled') {
    return { eventId: event.id, handled: true, action: 'recorded', notifyStatus: null };
  }
  return { eventId: event.id, handled: false, action: 'ignored', notifyStatus: null };
})
`,
    'input.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['event', 'notifyUrl'],
      properties: {
        event: {
          type: 'object',
          required: ['id', 'type'],
          properties: { id: { type: 'string' }, type: { type: 'string' }, data: { type: 'object' } },
        },
        notifyUrl: { type: 'string', format: 'uri', description: 'Where notifications are POSTed' },
      },
    },
    'output.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['eventId', 'handled', 'action', 'notifyStatus'],
      properties: {
        eventId: { type: 'string' },
        handled: { type: 'boolean' },
        action: { enum: ['notified', 'recorded', 'ignored'] },
        notifyStatus: { type: ['integer', 'null'] },
      },
    },
    'tests/test-001.json': {
      name: 'order.created is forwarded',
      input: {
        event: { id: 'evt_1', type: 'order.created', data: { orderId: 'A-100', total: 42 } },
        notifyUrl: 'https://hooks.example.com/notify',
      },
      expected_output: { eventId: 'evt_1', handled: true, action: 'notified', notifyStatus: 202 },
      mock_http: {
        requests: [
          {
            method: 'POST',
            url: 'https://hooks.example.com/notify',
            response: { status: 202, headers: json, body: { accepted: true } },
          },
        ],
      },
    },
    'tests/test-002.json': {
      name: 'unknown events are ignored without any request',
      input: {
        event: { id: 'evt_2', type: 'customer.updated' },
        notifyUrl: 'https://hooks.example.com/notify',
      },
      expected_output: { eventId: 'evt_2', handled: false, action: 'ignored', notifyStatus: null },
    },
    'tests/test-003.json': {
      name: 'a failing receiver becomes ServiceUnavailableError',
      input: {
        event: { id: 'evt_3', type: 'order.created', data: { orderId: 'A-101', total: 7 } },
        notifyUrl: 'https://hooks.example.com/notify',
      },
      expected_error: { type: 'ServiceUnavailableError', message: 'answered 503' },
      mock_http: {
        requests: [
          {
            method: 'POST',
            url: 'https://hooks.example.com/notify',
            response: { status: 503, body: 'unavailable' },
          },
        ],
      },
    },
  }),
};

export const scheduledJobTemplate: TaskTemplate = {
  name: 'scheduled-job',
  description: 'periodic health check of a list of endpoints (for a cron schedule); mocked tests',
  tags: ['scheduled', 'monitoring'],
  metadata: { timeout: 60000 },
  files: (v) => ({
    'main.js': `${header(v, 'Checks each endpoint once and reports which are healthy; meant to run on a schedule.')}(function (input, context) {
  var results = input.endpoints.map(function (endpoint, index) {
    try {
      var response = fetch(endpoint.url, { method: 'GET' });
      return { name: endpoint.name, url: endpoint.url, status: response.status, healthy: response.ok };
    } catch (error) {
      // An unreachable endpoint is a finding, not a failure of the job.
      if (error instanceof NetworkError || error instanceof TimeoutError) {
        return { name: endpoint.name, url: endpoint.url, status: null, healthy: false, error: error.message };
      }
      throw error;
    }
  });
  var healthy = results.filter(function (r) { return r.healthy; }).length;
  reportProgress(1, healthy + ' of ' + results.length + ' endpoints healthy');
  return { checked: results.length, healthy: healthy, unhealthy: results.length - healthy, results: results };
})
`,
    'input.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['endpoints'],
      properties: {
        endpoints: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['name', 'url'],
            properties: { name: { type: 'string' }, url: { type: 'string', format: 'uri' } },
          },
        },
      },
    },
    'output.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['checked', 'healthy', 'unhealthy', 'results'],
      properties: {
        checked: { type: 'integer' },
        healthy: { type: 'integer' },
        unhealthy: { type: 'integer' },
        results: { type: 'array', items: { type: 'object' } },
      },
    },
    'tests/test-001.json': {
      name: 'reports healthy and unhealthy endpoints',
      input: {
        endpoints: [
          { name: 'api', url: `${API}/health` },
          { name: 'billing', url: 'https://billing.example.com/health' },
        ],
      },
      expected_output: {
        checked: 2,
        healthy: 1,
        unhealthy: 1,
        results: [
          { name: 'api', url: `${API}/health`, status: 200, healthy: true },
          { name: 'billing', url: 'https://billing.example.com/health', status: 503, healthy: false },
        ],
      },
      mock_http: {
        requests: [
          {
            method: 'GET',
            url: `${API}/health`,
            response: { status: 200, headers: json, body: { status: 'ok' } },
          },
          {
            method: 'GET',
            url: 'https://billing.example.com/health',
            response: { status: 503, body: 'maintenance' },
          },
        ],
      },
    },
  }),
};
