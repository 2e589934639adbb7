import { JsonataExpression } from '../execution/jsonata.expression';
import { analyseExpression, isJsonataFunction } from './jsonata.references';

describe('analyseExpression', () => {
  it('finds the variables an expression reads, with the field each one reads first', () => {
    const text = "$profile.status = 'active' and $count($orders[0].lines) > $request.min";
    expect(analyseExpression(text)).toEqual({
      valid: true,
      // Parsed once, here: the plan runs this very expression.
      expression: expect.objectContaining({ text }),
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
    expect(analysis).toEqual({ valid: true, expression: expect.any(JsonataExpression), variables: [] });
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
