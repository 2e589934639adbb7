import type { NestExpressApplication } from '@nestjs/platform-express';
import { StandInService } from '@libs/core/testing';
import { post, startRouting } from './routing.test-harness';

describe('POST /analyze-text', () => {
  const textService = new StandInService();
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    await textService.start();
    ({ app, url } = await startRouting({ TEXT_SERVICE_URL: textService.url, TEXT_SERVICE_RETRIES: '0' }));
  });
  afterAll(async () => {
    await app.close();
    await textService.stop();
  });
  beforeEach(() => textService.reset());

  const analyzeText = (body: unknown) =>
    post(`${url}/analyze-text`, Buffer.from(JSON.stringify(body)), {
      'content-type': 'application/json',
      'x-request-id': 'req-text',
    });

  it('forwards the body and the request id to the text service and answers with its analysis as is', async () => {
    const analysis = { language: { code: 'en', confidence: 0.9, detected: true } };
    textService.answer = () => ({ status: 200, body: analysis });

    const answer = await analyzeText({ text: 'I love it', analyses: ['language'] });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(analysis);
    const [forwarded] = textService.requests;
    expect(forwarded).toMatchObject({ method: 'POST', url: '/analyze' });
    expect(forwarded.headers['x-request-id']).toBe('req-text');
    expect(JSON.parse(forwarded.body.toString())).toEqual({ text: 'I love it', analyses: ['language'] });
  });

  it('lists every invalid field in a 400, without calling the text service', async () => {
    const answer = await analyzeText({ language: 'fr', tone: 'formal' });
    expect(answer.status).toBe(400);
    expect(answer.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'language',
      'text',
      'tone',
    ]);
    expect(textService.requests).toHaveLength(0);
  });

  it('answers a failing text service with a 502 envelope naming it', async () => {
    textService.answer = () => ({ status: 500, body: { message: 'engine crashed' } });
    const answer = await analyzeText({ text: 'hello' });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ statusCode: 502, source: 'text-service', requestId: 'req-text' });
    expect(answer.body.message).toBe('text-service failed with HTTP 500');
  });
});
