import Joi from 'joi';
import { commonEnvironment, portVariable, validateEnvironment } from './environment';

const schema = {
  ...commonEnvironment,
  ORCHESTRATOR_PORT: portVariable(3000),
  TEXT_SERVICE_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .default('http://127.0.0.1:3001'),
  TEXT_SERVICE_TIMEOUT_MS: Joi.number().integer().default(5000),
  TEXT_SERVICE_REQUIRED: Joi.boolean().default(true),
};
const validate = validateEnvironment(schema);

describe('validateEnvironment', () => {
  it('fills defaults and converts types', () => {
    const env = validate({});
    expect(env).toMatchObject({
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ORCHESTRATOR_PORT: 3000,
      TEXT_SERVICE_URL: 'http://127.0.0.1:3001',
      TEXT_SERVICE_TIMEOUT_MS: 5000,
      TEXT_SERVICE_REQUIRED: true,
    });
    expect(validate({ TEXT_SERVICE_TIMEOUT_MS: '250', TEXT_SERVICE_REQUIRED: 'false' })).toMatchObject({
      TEXT_SERVICE_TIMEOUT_MS: 250,
      TEXT_SERVICE_REQUIRED: false,
    });
  });

  it('names every invalid variable and what it got', () => {
    expect(() =>
      validate({ ORCHESTRATOR_PORT: '99999', TEXT_SERVICE_URL: 'ftp://x', LOG_LEVEL: 'loud' }),
    ).toThrow(
      new Error(
        [
          'Invalid configuration:',
          '  - LOG_LEVEL must be one of [fatal, error, warn, info, debug, trace, silent] (got "loud")',
          '  - ORCHESTRATOR_PORT must be a valid port (got 99999)',
          '  - TEXT_SERVICE_URL must be a valid uri with a scheme matching the http|https pattern (got "ftp://x")',
        ].join('\n'),
      ),
    );
  });
});
