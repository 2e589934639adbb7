import { ConfigService } from '@nestjs/config';
import { commonEnvironment, validateEnvironment } from '@libs/core/config';
import { displayUrl, downstreamEnvironment, readDownstreamConfig } from './downstream.config';

const validate = validateEnvironment({
  ...commonEnvironment,
  ...downstreamEnvironment('TEXT_SERVICE', {
    url: 'http://127.0.0.1:3001',
    timeoutMs: 5000,
    retries: 2,
    deadlineMs: 9000,
  }),
});

describe('readDownstreamConfig', () => {
  it('gathers one service’s variables into its config', () => {
    const config = new ConfigService(
      validate({ TEXT_SERVICE_URL: 'http://text:3001/', TEXT_SERVICE_RETRIES: '0' }),
    );
    expect(readDownstreamConfig(config, 'text-service', 'TEXT_SERVICE')).toEqual({
      name: 'text-service',
      url: 'http://text:3001',
      required: true,
      responseMaxBytes: 10 * 1024 * 1024,
      resilience: {
        timeoutMs: 5000,
        deadlineMs: 9000,
        retries: 0,
        retryBaseDelayMs: 100,
        retryMaxDelayMs: 2000,
        breakerThreshold: 5,
        breakerResetMs: 10000,
      },
    });
  });

  it('masks credentials in displayed URLs', () => {
    expect(displayUrl('http://user:secret@text:3001/')).toBe('http://***@text:3001');
    expect(displayUrl('http://text:3001')).toBe('http://text:3001');
  });
});
