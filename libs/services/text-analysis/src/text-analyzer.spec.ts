import { TextAnalyzer } from './text-analyzer';

describe('TextAnalyzer with the real engines', () => {
  const analyzer = new TextAnalyzer();

  it('analyses English: language, positive sentiment, keywords, entities, counts', () => {
    const result = analyzer.analyze(
      'Barack Obama visited Paris with Microsoft engineers. The engineers loved the wonderful, excellent city!',
    );
    expect(result.language).toMatchObject({ code: 'en', detected: true });
    expect(result.language?.confidence).toBeGreaterThan(0.3);
    expect(result.sentiment?.label).toBe('positive');
    expect(result.keywords?.[0]).toMatchObject({ term: 'engineers', count: 2 });
    expect(result.entities).toEqual(
      expect.arrayContaining([
        { text: 'Barack Obama', type: 'person' },
        { text: 'Paris', type: 'place' },
        { text: 'Microsoft', type: 'organization' },
      ]),
    );
    expect(result.statistics).toMatchObject({ sentences: 2, tokens: 14 });
  });

  it('analyses Spanish: language, negative sentiment, Spanish stop words left out', () => {
    const result = analyzer.analyze(
      'El servicio fue terrible y la comida estaba horrible. Pedro Sánchez visitó Madrid y el servicio fue malo.',
    );
    expect(result.language).toMatchObject({ code: 'es', detected: true });
    expect(result.sentiment?.label).toBe('negative');
    expect(result.sentiment?.score).toBeLessThan(0);
    expect(result.keywords?.[0]).toMatchObject({ term: 'servicio', count: 2 });
    expect(result.keywords?.map((k) => k.term)).not.toContain('estaba');
    expect(result.entities).toEqual(expect.arrayContaining([{ text: 'Madrid', type: 'place' }]));
    expect(result.statistics?.sentences).toBe(2);
  });

  it('uses the language it is given and computes only the analyses asked for', () => {
    const result = analyzer.analyze('¡Qué día tan bueno y feliz!', {
      language: 'es',
      analyses: ['sentiment'],
    });
    expect(Object.keys(result)).toEqual(['sentiment']);
    expect(result.sentiment?.label).toBe('positive');
  });

  it('is neutral on a text without opinion words', () => {
    expect(analyzer.analyze('The meeting is on the third floor.', { language: 'en' }).sentiment).toEqual({
      score: 0,
      label: 'neutral',
    });
  });
});
