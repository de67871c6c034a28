// The list contract over HTTP on both backends (COMPAT.md §7): windows and pages, real sorting in
// both directions, every filter operator, X-Total-Count / Content-Range (exposed to browsers), the
// { data, meta } envelope, and 400s that name the allowed fields.
import assert from 'node:assert/strict';
import { forEachApi } from './test-helpers.ts';

const names = (body: { data: { name: string }[] }) => body.data.map((t) => t.name);

forEachApi(
  'list contract: _start/_end, page/limit, _sort/_order, operators, headers, meta',
  async (api) => {
    // 12 tasks besides `addition`: t01..t12, every third one disabled.
    for (let i = 1; i <= 12; i++) {
      const name = `t${String(i).padStart(2, '0')}`;
      await api.call('POST', '/api/v1/tasks', {
        body: { name, code: '(i) => i', description: i % 2 ? 'odd one' : 'even one' },
      });
      if (i % 3 === 0) await api.call('POST', `/api/v1/tasks/${name}/disable`);
    }
    const win = await api.call('GET', '/api/v1/tasks?_start=2&_end=5&_sort=name&_order=asc', {
      headers: { origin: 'http://ui.example' },
    });
    assert.deepEqual(names(win.body), ['t02', 't03', 't04']);
    assert.equal(win.headers.get('x-total-count'), '13');
    assert.equal(win.headers.get('content-range'), 'tasks 2-4/13');
    assert.deepEqual(win.body.meta, { total: 13, start: 2, end: 5, limit: 3 });
    assert.match(win.headers.get('access-control-expose-headers') ?? '', /X-Total-Count/i);
    assert.match(win.headers.get('access-control-expose-headers') ?? '', /Content-Range/i);

    const page = await api.call('GET', '/api/v1/tasks?page=2&limit=5&_sort=name');
    assert.deepEqual(names(page.body), ['t05', 't06', 't07', 't08', 't09']);
    assert.deepEqual(page.body.meta, { total: 13, start: 5, end: 10, limit: 5, page: 2 });
    const past = await api.call('GET', '/api/v1/tasks?page=9&limit=5');
    assert.deepEqual(past.body.data, []);
    assert.equal(past.headers.get('content-range'), 'tasks */13');

    const desc = await api.call('GET', '/api/v1/tasks?_sort=name&_order=DESC&_end=3');
    assert.deepEqual(names(desc.body), ['t12', 't11', 't10']);
    const byId = await api.call('GET', '/api/v1/tasks?_sort=id&_order=desc&_end=1');
    assert.equal(byId.body.data[0].name, 't12');

    const count = async (q: string) => {
      const r = await api.call('GET', `/api/v1/tasks?${q}`);
      assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body)}`);
      return Number(r.headers.get('x-total-count'));
    };
    assert.equal(await count('enabled=false'), 4);
    assert.equal(await count('enabled_ne=false'), 9);
    assert.equal(await count('name_like=T1'), 3);
    assert.equal(await count('description_like=odd'), 6);
    assert.equal(await count('id_gt=10'), 3);
    assert.equal(await count('id_gte=10'), 4);
    assert.equal(await count('id_lt=3'), 2);
    assert.equal(await count('id_lte=3'), 3);
    assert.equal(await count('name_in=t01,t02,zz'), 2);
    assert.equal(await count('name_in=t01&name_in=t05'), 2);
    assert.equal(await count('name=t01&name=t02&name=t03'), 3);
    assert.equal(await count('name_not_in=t01,t02'), 11);
    assert.equal(await count('createdAt_gte=2000-01-01T00:00:00Z&enabled=true'), 9);
    assert.equal(await count('createdAt_lt=2000-01-01T00:00:00Z'), 0);

    const unknown = await api.call('GET', '/api/v1/tasks?colour=red');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'BAD_REQUEST');
    assert.match(unknown.body.error.message, /"colour".*allowed fields: id, uuid, name/);
    const badSort = await api.call('GET', '/api/v1/tasks?_sort=colour');
    assert.match(badSort.body.error.message, /cannot sort by "colour"/);
    const badValue = await api.call('GET', '/api/v1/tasks?id_gt=abc');
    assert.equal(badValue.status, 400);
    assert.match(badValue.body.error.message, /not a number/);
    const badStart = await api.call('GET', '/api/v1/tasks?_start=-2');
    assert.equal(badStart.status, 400);
    assert.equal(badStart.body.error.code, 'VALIDATION_ERROR');

    // The same contract on the other lists.
    for (const resource of [
      'executions',
      'jobs',
      'schedules',
      'workers',
      'repositories',
      'api-keys',
      'audit',
    ]) {
      const r = await api.call('GET', `/api/v1/${resource}?_start=0&_end=10`);
      assert.equal(r.status, 200, resource);
      assert.ok(r.headers.get('x-total-count') !== null, resource);
      assert.match(r.headers.get('content-range')!, new RegExp(`^${resource} `));
      assert.ok(Array.isArray(r.body.data));
      assert.equal(r.body.meta.start, 0);
    }
  },
  { server: { cors: { origins: ['*'] } } },
);
