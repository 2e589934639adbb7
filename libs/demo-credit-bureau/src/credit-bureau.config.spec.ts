import Joi from 'joi';
import { creditBureauConfig, creditBureauEnvironment } from './credit-bureau.config';

describe('credit bureau configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('has the documented defaults', () => {
    for (const name of Object.keys(creditBureauEnvironment)) delete process.env[name];
    expect(creditBureauConfig()).toEqual({ apiKey: 'demo-bureau-key', delayMs: 0 });
  });

  it('reads and converts the variables; an empty key means the default', () => {
    process.env['CREDIT_BUREAU_API_KEY'] = 's3cret';
    process.env['CREDIT_BUREAU_DELAY_MS'] = '250';
    expect(creditBureauConfig()).toEqual({ apiKey: 's3cret', delayMs: 250 });
    process.env['CREDIT_BUREAU_API_KEY'] = '';
    expect(creditBureauConfig().apiKey).toBe('demo-bureau-key');
  });

  it('refuses a delay that is not a whole number of milliseconds', () => {
    process.env['CREDIT_BUREAU_DELAY_MS'] = '-5';
    expect(() => creditBureauConfig()).toThrow(/CREDIT_BUREAU_DELAY_MS/);
    process.env['CREDIT_BUREAU_DELAY_MS'] = 'slow';
    expect(() => creditBureauConfig()).toThrow(/CREDIT_BUREAU_DELAY_MS/);
  });

  it('is a schema map an app can merge into the one it validates at start-up', () => {
    const schema = Joi.object({ PORT: Joi.number().default(3020), ...creditBureauEnvironment });
    const { value } = schema.validate({ CREDIT_BUREAU_DELAY_MS: '40' }, { allowUnknown: true });
    expect(value).toEqual({
      PORT: 3020,
      CREDIT_BUREAU_API_KEY: 'demo-bureau-key',
      CREDIT_BUREAU_DELAY_MS: 40,
    });
  });
});
