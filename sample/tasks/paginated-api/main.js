// Walks GET {baseUrl}/items?page=N&per_page=S until the API says there is no next page (or
// maxPages is reached), and returns every item. One request per page, each a real fetch.
(function (input, context) {
  var base = (input.baseUrl || 'https://api.example.com').replace(/\/+$/, '');
  var perPage = input.perPage || 2;
  var maxPages = input.maxPages || 10;
  var items = [];
  var page = 1;
  var pages = 0;

  while (page !== null && pages < maxPages) {
    var url = base + '/items?page=' + page + '&per_page=' + perPage;
    var response = fetch(url, { headers: { Accept: 'application/json' } });
    if (response.status === 429) throw new RateLimitError('rate limited on page ' + page);
    if (response.status >= 500) throw new ServiceUnavailableError('page ' + page + ' answered ' + response.status);
    if (!response.ok) throw new HttpError(response.status, 'page ' + page + ' answered ' + response.status);
    var body = response.body;
    if (body === null || typeof body !== 'object' || !Array.isArray(body.items)) {
      throw new DataError('page ' + page + ' has no items array');
    }
    items = items.concat(body.items);
    pages += 1;
    reportProgress(Math.min(1, pages / maxPages), 'page ' + page + ': ' + body.items.length + ' items');
    page = typeof body.next_page === 'number' ? body.next_page : null;
  }
  console.info('collected ' + items.length + ' items from ' + pages + ' pages');
  return { total: items.length, pages: pages, complete: page === null, items: items };
})
