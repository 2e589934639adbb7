import { Controller, Get, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Joi from 'joi';
import type { RunningService } from './start-service';
import { startFeatureModule } from './start-feature-module';

@Controller('greeting')
class GreetingController {
  constructor(private readonly config: ConfigService) {}

  @Get()
  greet() {
    return { greeting: this.config.get('GREETING'), times: this.config.get('GREETING_TIMES') };
  }
}

@Module({ controllers: [GreetingController] })
class GreetingModule {}

const greetingEnvironment = {
  GREETING: Joi.string().default('hello'),
  GREETING_TIMES: Joi.number().integer().min(1).default(1),
};

describe('startFeatureModule', () => {
  const saved = { ...process.env };
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.app.close();
    service = undefined;
    process.env = { ...saved };
  });

  const load = async () => ({ module: GreetingModule, environment: greetingEnvironment });

  it('serves the module with its environment validated: defaults and conversions hold', async () => {
    delete process.env['GREETING'];
    service = await startFeatureModule('greeting', load, { GREETING_TIMES: '3' });
    const res = await fetch(`${service.url}/greeting`, { headers: { 'x-request-id': 'req-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(await res.json()).toEqual({ greeting: 'hello', times: 3 });
  });

  it('sets the environment before it loads the module', async () => {
    let greetingWhenLoaded: string | undefined;
    service = await startFeatureModule(
      'greeting',
      async () => {
        greetingWhenLoaded = process.env['GREETING'];
        return load();
      },
      { GREETING: 'hej' },
    );
    expect(greetingWhenLoaded).toBe('hej');
    expect(await (await fetch(`${service.url}/greeting`)).json()).toEqual({ greeting: 'hej', times: 1 });
  });

  it('refuses to start with a variable the environment does not allow', async () => {
    await expect(startFeatureModule('greeting', load, { GREETING_TIMES: '0' })).rejects.toThrow(
      /GREETING_TIMES/,
    );
  });
});
