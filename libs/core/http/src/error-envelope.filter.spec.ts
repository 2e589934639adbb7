import { Body, Controller, Get, INestApplication, NotFoundException, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { DownstreamError } from './downstream.error';
import { ErrorEnvelopeFilter } from './error-envelope.filter';
import { resolveRequestId } from './request-id';
import { createValidationPipe } from './validation';

type EnvelopeBody = Record<string, unknown> & { message: string; fields: { field: string }[] };

class EchoDto {
  @IsString()
  @IsNotEmpty()
  text!: string;

  @IsOptional()
  @IsIn(['en', 'es'])
  language?: string;
}

@Controller()
class ProbeController {
  @Post('echo')
  echo(@Body() body: EchoDto) {
    return body;
  }

  @Get('down')
  down() {
    throw new DownstreamError(
      'text-service',
      'unavailable',
      'text-service is unavailable: connect ECONNREFUSED',
    );
  }

  @Get('slow')
  slow() {
    throw new DownstreamError('text-service', 'timeout', 'text-service did not answer within 50 ms');
  }

  @Get('rejected')
  rejected() {
    throw new DownstreamError('text-service', 'rejected', 'text is too long', { downstreamStatus: 422 });
  }

  @Get('missing')
  missing() {
    throw new NotFoundException('no such customer');
  }

  @Get('bug')
  bug() {
    throw new TypeError('secret internal detail');
  }
}

describe('ErrorEnvelopeFilter over real HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use((req: Request & { id?: string }, _res: Response, next: NextFunction) => {
      req.id = resolveRequestId(req);
      next();
    });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new ErrorEnvelopeFilter());
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app.close());

  const post = (body: string) =>
    fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
      body,
    });

  it('lists every invalid field in a 400', async () => {
    const res = await post(JSON.stringify({ language: 'fr', extra: 1 }));
    const body = (await res.json()) as EnvelopeBody;
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', requestId: 'req-42' });
    expect(body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['extra', 'language', 'text']);
    expect(body.message).toContain('text');
  });

  it('answers malformed JSON with a 400 envelope', async () => {
    const res = await post('{"text": ');
    const body = (await res.json()) as EnvelopeBody;
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.message).toMatch(/JSON/);
    expect(body.requestId).toBe('req-42');
  });

  it('passes valid bodies through', async () => {
    const res = await post(JSON.stringify({ text: 'hola', language: 'es' }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ text: 'hola', language: 'es' });
  });

  it.each([
    ['down', 503, 'Service Unavailable'],
    ['slow', 504, 'Gateway Timeout'],
    ['rejected', 422, 'Unprocessable Entity'],
  ])('maps a downstream failure (%s) to %i naming the source', async (path, status, error) => {
    const res = await fetch(`${base}/${path}`);
    const body = (await res.json()) as EnvelopeBody;
    expect(res.status).toBe(status);
    expect(body).toMatchObject({ statusCode: status, error, source: 'text-service' });
    expect(typeof body.requestId).toBe('string');
  });

  it('keeps HttpException messages', async () => {
    const res = await fetch(`${base}/missing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as EnvelopeBody).message).toBe('no such customer');
  });

  it('hides the details of unexpected errors', async () => {
    const res = await fetch(`${base}/bug`);
    const body = (await res.json()) as EnvelopeBody;
    expect(res.status).toBe(500);
    expect(body.message).toBe('Internal server error');
    expect(JSON.stringify(body)).not.toContain('secret');
  });
});
