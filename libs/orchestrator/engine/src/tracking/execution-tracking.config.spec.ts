import { validateEnvironment } from '@libs/core/config';
import { executionTrackingEnvironment } from './execution-tracking.config';

describe('executionTrackingEnvironment', () => {
  const validate = validateEnvironment(executionTrackingEnvironment);

  it('keeps up to 1000 records in memory for an hour unless told otherwise', () => {
    expect(validate({})).toEqual({
      EXECUTIONS_STORE: 'memory',
      EXECUTIONS_MAX: 1000,
      EXECUTIONS_TTL_SECONDS: 3600,
      REDIS_URL: 'redis://127.0.0.1:6379',
      EXECUTIONS_REDIS_PREFIX: 'orchestrator:executions:',
      EXECUTIONS_REDIS_TIMEOUT_MS: 1000,
    });
  });

  it('names every invalid variable', () => {
    expect(() =>
      validate({
        EXECUTIONS_STORE: 'mongo',
        EXECUTIONS_MAX: '0',
        EXECUTIONS_TTL_SECONDS: 'an hour',
        REDIS_URL: 'http://cache:6379',
      }),
    ).toThrow(
      'Invalid configuration:\n' +
        '  - EXECUTIONS_STORE must be one of [memory, redis] (got "mongo")\n' +
        '  - EXECUTIONS_MAX must be greater than or equal to 1 (got 0)\n' +
        '  - EXECUTIONS_TTL_SECONDS must be a number (got "an hour")\n' +
        '  - REDIS_URL must be a valid uri with a scheme matching the redis|rediss pattern (got "http://cache:6379")',
    );
  });
});
