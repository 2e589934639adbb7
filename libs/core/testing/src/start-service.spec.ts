import { Body, Controller, Get, HttpCode, Post, Req, type INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import type { IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import { startService } from './start-service';

@Controller('greeting')
class GreetingController {
  constructor(private readonly config: ConfigService) {}

  @Get()
  greet() {
    return {
      greeting: this.config.get<string>('TESTING_GREETING'),
      logLevel: this.config.get<string>('LOG_LEVEL'),
    };
  }
}

class GreetingModule {}

describe('startService', () => {
  let app: INestApplication;
  let url: string;
  let greetingWhenLoaded: string | undefined;

  beforeAll(async () => {
    ({ app, url } = await startService(
      async () => {
        greetingWhenLoaded = process.env['TESTING_GREETING'];
        // Built here, as an app module is loaded here: the configuration is read now.
        return {
          module: GreetingModule,
          imports: [configurationModule({}), loggingModule('testing')],
          controllers: [GreetingController],
        };
      },
      { TESTING_GREETING: 'hello' },
    ));
  });
  afterAll(() => app.close());

  it('sets the environment, silent logs included, before it loads the module', async () => {
    expect(greetingWhenLoaded).toBe('hello');
    const res = await fetch(`${url}/greeting`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ greeting: 'hello', logLevel: 'silent' });
  });

  it('serves it on a loopback port, configured as a service: error envelope, request ids, /docs', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const missing = await fetch(`${url}/nowhere`, { headers: { 'x-request-id': 'req-1' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('req-1');
    expect(await missing.json()).toMatchObject({ statusCode: 404, error: 'Not Found', requestId: 'req-1' });
    const openApi = (await (await fetch(`${url}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths)).toEqual(['/greeting']);
  });
});

@Controller('echo')
class EchoController {
  /** What the body parsers left of the body: the bytes still to read, or what they parsed. */
  @Post(':route')
  @HttpCode(200)
  async echo(@Req() req: IncomingMessage, @Body() parsed: unknown) {
    return { parsed: parsed ?? null, unread: req.readableEnded ? null : await text(req) };
  }
}

describe('startService for routes that read their own body', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startService(
      async () => ({
        module: GreetingModule,
        imports: [configurationModule({}), loggingModule('testing')],
        controllers: [EchoController],
      }),
      {},
      { readsOwnBody: (req) => req.url === '/echo/own' },
    ));
  });
  afterAll(() => app.close());

  const post = (route: string, contentType: string, body: string) =>
    fetch(`${url}/echo/${route}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it.each([
    ['application/json', '{"a":1}'],
    ['application/x-www-form-urlencoded', 'a=1'],
  ])('leaves a %s body unread for those routes, and parses it for the others', async (type, body) => {
    expect(await (await post('own', type, body)).json()).toEqual({ parsed: null, unread: body });
    expect(await (await post('parsed', type, body)).json()).toEqual({
      parsed: type === 'application/json' ? { a: 1 } : { a: '1' },
      unread: null,
    });
  });
});
