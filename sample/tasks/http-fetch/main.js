(function (input, context) {
  const method = input.method || (input.body === undefined ? 'GET' : 'POST');
  const headers = Object.assign({ Accept: 'application/json' }, input.headers || {});

  console.info(`${method} ${input.url}`);
  const response = fetch(input.url, { method: method, headers: headers }, input.body);
  console.info(`answered ${response.status} ${response.statusText}`);

  if (response.status === 401) throw new AuthenticationError(`${input.url} rejected the credentials`);
  if (response.status === 429) throw new RateLimitError(`${input.url} is rate limiting us`);
  if (response.status >= 500) throw new ServiceUnavailableError(`${input.url} answered ${response.status}`);

  return {
    ok: response.ok,
    status: response.status,
    contentType: response.headers['content-type'] || null,
    body: response.body,
    executionId: context.executionId
  };
})
