import type { TextAnalysisDto } from '@libs/core/contracts';
import type { ErrorEnvelopeDto } from '@libs/core/http';
import { unusedPortUrl } from '@libs/core/testing';
import { RunningApp, startApp, stopApps } from './support/apps';
import { getJson, postJson } from './support/http';
import { HEARD_KEYWORD, HEARD_WORDS, SPOKEN_PHRASE, speak } from './support/speech';

interface AudioAnalysis {
  transcription: { text: string; language?: string; duration?: number; segments: unknown[] };
  analysis?: TextAnalysisDto;
}

describe('the stack: orchestrator, text service and transcription service', () => {
  let textService: RunningApp;
  let transcriptionService: RunningApp;
  let orchestrator: RunningApp;
  let speech: Buffer;

  beforeAll(async () => {
    [textService, transcriptionService, speech] = await Promise.all([
      startApp('text-service'),
      startApp('transcription-service'),
      speak(SPOKEN_PHRASE),
    ]);
    // The customers' backends are customers.spec.ts's business: here they are not required.
    orchestrator = await startApp('orchestrator', {
      TEXT_SERVICE_URL: textService.url,
      TRANSCRIPTION_SERVICE_URL: transcriptionService.url,
      FEATURE_SERVER_URL: await unusedPortUrl(),
      FEATURE_SERVER_REQUIRED: 'false',
      MODEL_SERVICE_URL: await unusedPortUrl(),
      MODEL_SERVICE_REQUIRED: 'false',
    });
  });
  afterAll(() => stopApps(orchestrator, textService, transcriptionService));

  describe('POST /analyze-text', () => {
    it('analyses an English text', async () => {
      const { status, body } = await postJson<TextAnalysisDto>(`${orchestrator.url}/analyze-text`, {
        text: 'I love the new office in Madrid. The team is fantastic and the coffee is wonderful!',
      });

      expect(status).toBe(200);
      expect(body.language).toMatchObject({ code: 'en', detected: true });
      expect(body.sentiment?.label).toBe('positive');
      expect(body.keywords?.map(({ term }) => term)).toEqual(
        expect.arrayContaining(['office', 'team', 'coffee']),
      );
      expect(body.entities).toContainEqual({ text: 'Madrid', type: 'place' });
      expect(body.statistics).toMatchObject({ sentences: 2 });
    });

    it('analyses a Spanish text', async () => {
      const { status, body } = await postJson<TextAnalysisDto>(`${orchestrator.url}/analyze-text`, {
        text: 'El servicio fue terrible y la comida estaba horrible. Nunca volveremos a ese restaurante.',
        analyses: ['language', 'sentiment', 'keywords'],
      });

      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(['keywords', 'language', 'sentiment']);
      expect(body.language).toMatchObject({ code: 'es', detected: true });
      expect(body.sentiment?.label).toBe('negative');
      expect(body.keywords?.map(({ term }) => term)).toEqual(
        expect.arrayContaining(['servicio', 'comida', 'restaurante']),
      );
    });

    it('answers 400 to a body that is not JSON', async () => {
      const { status, body } = await postJson<ErrorEnvelopeDto>(
        `${orchestrator.url}/analyze-text`,
        '{"text": ',
      );

      expect(status).toBe(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', requestId: expect.any(String) });
    });

    it('answers 400 listing every invalid field', async () => {
      const { status, body } = await postJson<ErrorEnvelopeDto>(`${orchestrator.url}/analyze-text`, {
        language: 'fr',
        analyses: ['sentiment', 'mood'],
      });

      expect(status).toBe(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(body.fields?.map(({ field }) => field).sort()).toEqual(['analyses', 'language', 'text']);
      for (const field of body.fields ?? []) expect(field.errors.length).toBeGreaterThan(0);
    });

    it('echoes the X-Request-ID it is sent, in the header and in errors', async () => {
      const ok = await postJson(
        `${orchestrator.url}/analyze-text`,
        { text: 'Good.' },
        { 'x-request-id': 'e2e-1' },
      );
      expect(ok.headers.get('x-request-id')).toBe('e2e-1');

      const failed = await postJson<ErrorEnvelopeDto>(
        `${orchestrator.url}/analyze-text`,
        {},
        { 'x-request-id': 'e2e-2' },
      );
      expect(failed.headers.get('x-request-id')).toBe('e2e-2');
      expect(failed.body.requestId).toBe('e2e-2');
    });

    it('gives a request without an X-Request-ID a new one', async () => {
      const first = await postJson(`${orchestrator.url}/analyze-text`, { text: 'Good.' });
      const second = await postJson(`${orchestrator.url}/analyze-text`, { text: 'Good.' });

      const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(ids[0]).not.toBe(ids[1]);
    });
  });

  describe('POST /analyze-audio', () => {
    /** Uploads the speech with `fields` around the file: [name, value, before the file?]. */
    const upload = async (
      query = '',
      fields: readonly (readonly [string, string, 'before' | 'after'])[] = [],
    ) => {
      const form = new FormData();
      for (const [name, value] of fields.filter(([, , place]) => place === 'before'))
        form.append(name, value);
      form.append('file', new Blob([speech], { type: 'audio/wav' }), 'speech.wav');
      for (const [name, value] of fields.filter(([, , place]) => place === 'after')) form.append(name, value);
      const response = await fetch(`${orchestrator.url}/analyze-audio${query}`, {
        method: 'POST',
        body: form,
      });
      return { status: response.status, body: (await response.json()) as AudioAnalysis };
    };

    it('transcribes speech', async () => {
      const { status, body } = await upload();

      expect(status).toBe(200);
      expect(body.transcription.text.split(/\s+/)).toEqual(expect.arrayContaining(HEARD_WORDS));
      expect(body.transcription.duration).toBeGreaterThan(1);
      expect(body.analysis).toBeUndefined();
    });

    it.each([
      ['query parameters', '?analyze=true&language=en', []],
      [
        'form fields',
        '',
        [
          ['language', 'en', 'before'],
          ['analyze', 'true', 'after'],
        ],
      ],
    ] as const)('transcribes and analyses speech with analyze=true as %s', async (_, query, fields) => {
      const { status, body } = await upload(query, fields);

      expect(status).toBe(200);
      expect(body.transcription.text.split(/\s+/)).toEqual(expect.arrayContaining(HEARD_WORDS));
      expect(body.analysis?.language).toEqual({
        code: 'en',
        confidence: expect.any(Number),
        detected: false,
      });
      expect(body.analysis?.sentiment?.label).toBe('positive');
      expect(body.analysis?.keywords?.map(({ term }) => term)).toContain(HEARD_KEYWORD);
      expect(body.analysis?.statistics?.tokens).toBeGreaterThanOrEqual(HEARD_WORDS.length);
    });
  });

  describe('GET /health', () => {
    it('is 200 with both services up and the configuration', async () => {
      const { status, body } = await getJson<{
        status: string;
        details: Record<string, { status: string; url?: string }>;
        configuration: { services: Record<string, { url: string }> };
      }>(`${orchestrator.url}/health`);

      expect(status).toBe(200);
      expect(body.status).toBe('ok');
      expect(body.details).toMatchObject({
        orchestrator: { status: 'up' },
        'text-service': { status: 'up' },
        'transcription-service': { status: 'up' },
      });
      expect(body.configuration.services).toMatchObject({
        'text-service': { url: textService.url },
        'transcription-service': { url: transcriptionService.url },
      });
    });
  });

  it('serves its OpenAPI document at /docs-json', async () => {
    const { status, body } = await getJson<{ paths: Record<string, unknown> }>(
      `${orchestrator.url}/docs-json`,
    );

    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/analyze-text', '/analyze-audio', '/health', '/health/live', '/health/ready']),
    );
  });
});
