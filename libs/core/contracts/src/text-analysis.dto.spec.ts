import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AnalyzeTextRequestDto, MAX_TEXT_LENGTH } from './text-analysis.dto';

const invalidFields = (body: object) =>
  validateSync(plainToInstance(AnalyzeTextRequestDto, body), { forbidUnknownValues: true })
    .map((e) => e.property)
    .sort();

describe('AnalyzeTextRequestDto', () => {
  it('accepts a text with an optional language and list of analyses', () => {
    expect(invalidFields({ text: 'hola', language: 'es', analyses: ['sentiment', 'keywords'] })).toEqual([]);
    expect(invalidFields({ text: 'hello' })).toEqual([]);
  });

  it('rejects a missing or oversized text, an unknown language and unknown or repeated analyses', () => {
    expect(invalidFields({})).toEqual(['text']);
    expect(invalidFields({ text: 'x'.repeat(MAX_TEXT_LENGTH + 1) })).toEqual(['text']);
    expect(invalidFields({ text: 'bonjour', language: 'fr' })).toEqual(['language']);
    expect(invalidFields({ text: 'hi', analyses: ['sentiment', 'sarcasm'] })).toEqual(['analyses']);
    expect(invalidFields({ text: 'hi', analyses: ['sentiment', 'sentiment'] })).toEqual(['analyses']);
  });
});
