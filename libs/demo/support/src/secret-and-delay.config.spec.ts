import Joi from 'joi';
import { secretAndDelayConfig, secretAndDelayEnvironment } from './secret-and-delay.config';

const VARIABLES = { secret: 'DEMO_SECRET', defaultSecret: 'demo-secret', delay: 'DEMO_DELAY_MS' } as const;

describe('secretAndDelayConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const config = secretAndDelayConfig('demo', 'demo service', VARIABLES);

  it('is registered under its namespace', () => {
    expect(config.KEY).toBe('CONFIGURATION(demo)');
  });

  it('has the documented defaults', () => {
    delete process.env['DEMO_SECRET'];
    delete process.env['DEMO_DELAY_MS'];
    expect(config()).toEqual({ secret: 'demo-secret', delayMs: 0 });
  });

  it('reads and converts the variables; an empty secret means the default', () => {
    process.env['DEMO_SECRET'] = 's3cret';
    process.env['DEMO_DELAY_MS'] = '250';
    expect(config()).toEqual({ secret: 's3cret', delayMs: 250 });
    process.env['DEMO_SECRET'] = '';
    expect(config().secret).toBe('demo-secret');
  });

  it('refuses a delay that is not a whole number of milliseconds, naming the service', () => {
    for (const delay of ['-5', 'slow', '2.5', '600001']) {
      process.env['DEMO_DELAY_MS'] = delay;
      expect(() => config()).toThrow(/^Invalid demo service configuration: .*DEMO_DELAY_MS/);
    }
  });
});

describe('secretAndDelayEnvironment', () => {
  it('is a schema map an app can merge into the one it validates at start-up', () => {
    const schema = Joi.object({ PORT: Joi.number().default(3010), ...secretAndDelayEnvironment(VARIABLES) });
    const { value } = schema.validate({ DEMO_DELAY_MS: '40' }, { allowUnknown: true });
    expect(value).toEqual({ PORT: 3010, DEMO_SECRET: 'demo-secret', DEMO_DELAY_MS: 40 });
  });
});
