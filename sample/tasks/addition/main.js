(function (input) {
  const { num1, num2 } = input;
  if (typeof num1 !== 'number' || typeof num2 !== 'number') {
    throw new DataError('Both inputs must be numbers');
  }
  return { sum: num1 + num2, product: num1 * num2 };
})
