// Current weather for input.location. fetch returns every HTTP status, so the task decides what
// each one means: credentials, unknown city, outages and unexpected bodies become distinct errors.
(function (input, context) {
  var units = input.units || 'metric';
  var base = (input.baseUrl || 'https://api.openweathermap.org').replace(/\/+$/, '');
  var url =
    base +
    '/data/2.5/weather?q=' + encodeURIComponent(input.location) +
    '&appid=' + encodeURIComponent(input.apiKey) +
    '&units=' + units;

  console.info('GET weather for ' + input.location);
  var response = fetch(url, { method: 'GET', headers: { Accept: 'application/json' } });

  if (response.status === 401) throw new AuthenticationError('the weather API rejected the API key');
  if (response.status === 404) throw new HttpError(404, 'location "' + input.location + '" was not found');
  if (response.status === 429) throw new RateLimitError('the weather API is rate limiting us');
  if (response.status >= 500) throw new ServiceUnavailableError('the weather API answered ' + response.status);
  if (!response.ok) throw new HttpError(response.status, 'the weather API answered ' + response.status);

  var data = response.body;
  if (data === null || typeof data !== 'object' || !data.main || typeof data.main.temp !== 'number') {
    throw new DataError('the weather API answered without main.temp (got ' + typeof data + ')');
  }
  var weather = Array.isArray(data.weather) && data.weather.length > 0 ? data.weather[0] : {};
  return {
    location: data.name || input.location,
    country: (data.sys && data.sys.country) || null,
    temperature: data.main.temp,
    humidity: typeof data.main.humidity === 'number' ? data.main.humidity : null,
    description: weather.description || 'unknown',
    units: units
  };
})
