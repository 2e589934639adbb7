import Joi from 'joi';
import { featureServerConfig, featureServerEnvironment } from './feature-server.config';

describe('feature server configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the demo SQLite file at data/main.sqlite and counts days to the time of each request by default', () => {
    for (const name of Object.keys(featureServerEnvironment)) delete process.env[name];
    expect(featureServerConfig()).toEqual({
      database: { type: 'sqlite', path: 'data/main.sqlite' },
      asOf: undefined,
    });
  });

  it('reads a PostgreSQL URL with its password apart, and a fixed as-of instant', () => {
    process.env['FEATURE_SERVER_DATABASE_URL'] = 'postgres://features@db.internal:5433/shop';
    process.env['FEATURE_SERVER_DATABASE_PASSWORD'] = 's3cret';
    process.env['FEATURE_SERVER_AS_OF'] = '2024-08-01';
    expect(featureServerConfig()).toEqual({
      database: { type: 'postgres', url: 'postgres://features@db.internal:5433/shop', password: 's3cret' },
      asOf: new Date('2024-08-01T00:00:00.000Z'),
    });
  });

  it('refuses a database URL of another kind and an as-of instant that is not a date', () => {
    process.env['FEATURE_SERVER_DATABASE_URL'] = 'mysql://root@localhost/shop';
    process.env['FEATURE_SERVER_AS_OF'] = 'yesterday';
    expect(() => featureServerConfig()).toThrow(/FEATURE_SERVER_DATABASE_URL.*FEATURE_SERVER_AS_OF/);
  });

  it('is a schema map an app can merge into the one it validates at start-up', () => {
    const schema = Joi.object({
      FEATURE_SERVER_PORT: Joi.number().default(6566),
      ...featureServerEnvironment,
    });
    const { value } = schema.validate({}, { allowUnknown: true });
    expect(value).toEqual({
      FEATURE_SERVER_PORT: 6566,
      FEATURE_SERVER_DATABASE_URL: 'sqlite:data/main.sqlite',
    });
  });
});
