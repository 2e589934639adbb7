import { analyseExpression, isJsonataFunction } from './jsonata.references';

describe('analyseExpression', () => {
  it('finds the variables an expression reads, with the field each one reads first', () => {
    expect(
      analyseExpression("$profile.status = 'active' and $count($orders[0].lines) > $request.min"),
    ).toEqual({
      valid: true,
      variables: expect.arrayContaining([
        { name: 'profile', field: 'status' },
        { name: 'orders' },
        { name: 'request', field: 'min' },
      ]),
    });
  });

  it('leaves out the context, function calls and the names the expression binds itself', () => {
    const analysis = analyseExpression(
      '($rate := 2; $map($.items, function($line) { $line.price * $rate }) ~> $sum()) + $$.fee + ' +
        'Account.Order@$o.Product#$i.{ "order": $o, "index": $i }',
    );
    expect(analysis).toEqual({ valid: true, variables: [] });
  });

  it('reports a syntax error with its position in the expression', () => {
    expect(analyseExpression('$profile.(')).toEqual({
      valid: false,
      message: 'Expected ")" before end of expression',
      position: 10,
    });
  });
});

describe('isJsonataFunction', () => {
  it('tells JSONata’s functions from other names', async () => {
    await expect(isJsonataFunction('string')).resolves.toBe(true);
    await expect(isJsonataFunction('profile')).resolves.toBe(false);
  });
});
