import Joi from 'joi';
import { catalogConfig, catalogEnvironment } from './catalog.config';

describe('catalog configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('has the documented defaults', () => {
    for (const name of Object.keys(catalogEnvironment)) delete process.env[name];
    expect(catalogConfig()).toEqual({ token: 'demo-catalog-token', delayMs: 0 });
  });

  it('reads and converts the variables; an empty token means the default', () => {
    process.env['CATALOG_API_TOKEN'] = 's3cret';
    process.env['CATALOG_API_DELAY_MS'] = '250';
    expect(catalogConfig()).toEqual({ token: 's3cret', delayMs: 250 });
    process.env['CATALOG_API_TOKEN'] = '';
    expect(catalogConfig().token).toBe('demo-catalog-token');
  });

  it('refuses a delay that is not a whole number of milliseconds', () => {
    process.env['CATALOG_API_DELAY_MS'] = '-5';
    expect(() => catalogConfig()).toThrow(/CATALOG_API_DELAY_MS/);
    process.env['CATALOG_API_DELAY_MS'] = 'slow';
    expect(() => catalogConfig()).toThrow(/CATALOG_API_DELAY_MS/);
  });

  it('is a schema map an app can merge into the one it validates at start-up', () => {
    const schema = Joi.object({ PORT: Joi.number().default(3010), ...catalogEnvironment });
    const { value } = schema.validate({ CATALOG_API_DELAY_MS: '40' }, { allowUnknown: true });
    expect(value).toEqual({ PORT: 3010, CATALOG_API_TOKEN: 'demo-catalog-token', CATALOG_API_DELAY_MS: 40 });
  });
});
