import { Controller, Get, Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { commonEnvironment, validateEnvironment } from '@libs/core/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { configureService } from './bootstrap';
import { loggingModule } from './logging.module';

@Controller('customers')
class CustomersController {
  private readonly logger = new Logger(CustomersController.name);

  @Get(':id')
  find() {
    this.logger.log('looking the customer up');
    return { id: 7 };
  }
}

const lines: Record<string, unknown>[] = [];
const destination = new PassThrough();
destination.on('data', (chunk: Buffer) =>
  chunk
    .toString()
    .split('\n')
    .filter(Boolean)
    .forEach((line) => lines.push(JSON.parse(line))),
);

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [() => validateEnvironment(commonEnvironment)({ LOG_LEVEL: 'info' })],
    }),
    loggingModule('probe', destination),
  ],
  controllers: [CustomersController],
})
class ProbeModule {}

describe('loggingModule', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
    configureService(app, { title: 'probe', description: 'probe' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('writes JSON lines carrying the request id, and one request line with route, status and latency', async () => {
    const res = await fetch(`${base}/customers/7?verbose=1`, { headers: { 'x-request-id': 'log-test-1' } });
    expect(res.headers.get('x-request-id')).toBe('log-test-1');
    await new Promise((resolve) => setImmediate(resolve));

    const ofRequest = lines.filter(
      (line) => (line['req'] as { id?: string } | undefined)?.id === 'log-test-1',
    );
    expect(ofRequest.map((line) => line['msg'])).toEqual(['looking the customer up', 'request completed']);
    expect(ofRequest[1]).toMatchObject({
      service: 'probe',
      route: '/customers/:id',
      req: { method: 'GET', url: '/customers/7?verbose=1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('generates a request id when none is sent', async () => {
    const res = await fetch(`${base}/customers/8`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
