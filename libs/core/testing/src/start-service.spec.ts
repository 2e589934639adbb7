import { Controller, Get, type INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
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
