function delay(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

async function main(input, context) {
  const items = input.items;
  const results = [];
  for (let i = 0; i < items.length; i++) {
    results.push(await delay(input.delayMs || 0, items[i].toUpperCase()));
    context.reportProgress((i + 1) / items.length, `processed ${items[i]}`);
  }
  console.log(`processed ${results.length} items`);
  return { count: results.length, results };
}
