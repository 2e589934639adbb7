import { renderTranscription } from './transcription.formats';
import type { Transcription } from './transcription.types';

const transcription: Transcription = {
  text: 'i want to go home and then we eat',
  language: 'en',
  duration: 3725.5,
  segments: [
    { id: 0, start: 0.03, end: 1.23, text: 'i want to go home', avgLogprob: -0.2 },
    { id: 1, start: 3723.007, end: 3725.5, text: 'and then we eat', avgLogprob: -1.5 },
  ],
  words: [
    { word: 'i', start: 0.03, end: 0.2, probability: 0.9 },
    { word: 'want', start: 0.27, end: 0.55, probability: 0.5 },
  ],
};

describe('renderTranscription', () => {
  it('answers json with the text only, as OpenAI does by default', () => {
    expect(renderTranscription(transcription)).toEqual({
      contentType: 'application/json',
      body: { text: 'i want to go home and then we eat' },
    });
  });

  it('answers text as the bare transcript', () => {
    expect(renderTranscription(transcription, 'text')).toEqual({
      contentType: 'text/plain',
      body: 'i want to go home and then we eat',
    });
  });

  it('renders numbered SubRip cues with comma milliseconds, past an hour', () => {
    expect(renderTranscription(transcription, 'srt')).toEqual({
      contentType: 'text/plain',
      body:
        '1\n00:00:00,030 --> 00:00:01,230\ni want to go home\n\n' +
        '2\n01:02:03,007 --> 01:02:05,500\nand then we eat\n\n',
    });
  });

  it('renders WebVTT with its header and dot milliseconds', () => {
    expect(renderTranscription(transcription, 'vtt')).toEqual({
      contentType: 'text/vtt',
      body:
        'WEBVTT\n\n' +
        '00:00:00.030 --> 00:00:01.230\ni want to go home\n\n' +
        '01:02:03.007 --> 01:02:05.500\nand then we eat\n\n',
    });
  });

  it('renders verbose_json with OpenAI segment fields and the language in full', () => {
    const { contentType, body } = renderTranscription(transcription, 'verbose_json');
    expect(contentType).toBe('application/json');
    expect(body).toEqual({
      task: 'transcribe',
      language: 'english',
      duration: 3725.5,
      text: 'i want to go home and then we eat',
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0.03,
          end: 1.23,
          text: 'i want to go home',
          tokens: [],
          temperature: 0,
          avg_logprob: -0.2,
          compression_ratio: expect.any(Number),
          no_speech_prob: 0,
        },
        expect.objectContaining({ id: 1, start: 3723.007, text: 'and then we eat', avg_logprob: -1.5 }),
      ],
    });
  });

  it('adds words only when their granularity is asked for', () => {
    const both = renderTranscription(transcription, 'verbose_json', ['segment', 'word']).body;
    expect(both).toMatchObject({
      segments: expect.any(Array),
      words: [
        { word: 'i', start: 0.03, end: 0.2 },
        { word: 'want', start: 0.27, end: 0.55 },
      ],
    });
    expect(Object.keys((both as { words: object[] }).words[0])).toEqual(['word', 'start', 'end']);

    const wordsOnly = renderTranscription(transcription, 'verbose_json', ['word']).body;
    expect(wordsOnly).toHaveProperty('words');
    expect(wordsOnly).not.toHaveProperty('segments');
  });

  it('measures repetition like Whisper: repetitive text compresses well', () => {
    const ratio = (text: string) =>
      (
        renderTranscription(
          { ...transcription, segments: [{ ...transcription.segments[0], text }] },
          'verbose_json',
        ).body as { segments: { compression_ratio: number }[] }
      ).segments[0].compression_ratio;
    expect(ratio('go '.repeat(100))).toBeGreaterThan(10);
    expect(ratio('i want to go home')).toBeLessThan(2);
  });

  it('renders silence as empty subtitles', () => {
    const silence = { ...transcription, text: '', segments: [], words: [] };
    expect(renderTranscription(silence, 'srt').body).toBe('');
    expect(renderTranscription(silence, 'vtt').body).toBe('WEBVTT\n\n');
  });
});
