import { shapeProblems, type SourceShape } from './source-shape';

const text: SourceShape = { operations: ['analyze'], required: ['text'], optional: ['language', 'analyses'] };

describe('shapeProblems', () => {
  it('accepts a declaration with its required params, naming the default operation or none', () => {
    const params = { text: '$request.text', language: 'en' };
    expect(shapeProblems({ name: 'sentiment', type: 'text', params }, text)).toEqual([]);
    expect(shapeProblems({ name: 'sentiment', type: 'text', operation: 'analyze', params }, text)).toEqual(
      [],
    );
  });

  it('names an unknown operation, a missing param and an unknown one, with what is expected', () => {
    expect(
      shapeProblems(
        { name: 'sentiment', type: 'text', operation: 'summarize', params: { langauge: 'en' } },
        text,
      ),
    ).toEqual([
      { path: ['operation'], message: 'unknown operation summarize; text sources have: analyze' },
      { path: ['params'], message: 'text sources need param text' },
      {
        path: ['params', 'langauge'],
        message: 'unknown param langauge; text sources take text, language, analyses',
      },
    ]);
  });
});
