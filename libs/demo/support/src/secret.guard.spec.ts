import { type CanActivate, type ExecutionContext, HttpException } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import { apiKeyHeader, bearerToken, secretGuard, type SecretScheme } from './secret.guard';

const CONFIG_KEY = 'CONFIGURATION(demo)';

/** A guard of `scheme` expecting `s3cret`, as Nest would build it from the config namespace. */
const guardOf = (scheme: SecretScheme): CanActivate =>
  new (secretGuard(CONFIG_KEY, scheme))({ secret: 's3cret', delayMs: 0 });

/** Runs `guard` on a request with `headers`: true, or the 401 it raised with the headers it set. */
function check(guard: CanActivate, headers: Record<string, string>) {
  const lowercased = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const request = { headers: lowercased, header: (name: string) => lowercased[name.toLowerCase()] };
  const set: Record<string, string> = {};
  const response = { setHeader: (name: string, value: string) => (set[name] = value) };
  const context = {
    switchToHttp: () => ({
      getRequest: () => request as unknown as Request,
      getResponse: () => response as unknown as Response,
    }),
  } as ExecutionContext;
  try {
    return guard.canActivate(context);
  } catch (error) {
    const refusal = error as HttpException;
    return { status: refusal.getStatus(), message: refusal.message, headers: set };
  }
}

describe('secretGuard with bearerToken', () => {
  const guard = guardOf(bearerToken('demo'));

  it('lets the right token through, whatever the case of the scheme', () => {
    expect(check(guard, { Authorization: 'Bearer s3cret' })).toBe(true);
    expect(check(guard, { Authorization: 'bearer \t s3cret ' })).toBe(true);
  });

  it('asks for a token when there is none, or it comes under another scheme', () => {
    const cases: Record<string, string>[] = [
      {},
      { Authorization: 'Basic s3cret' },
      { Authorization: 'Bearer ' },
    ];
    for (const headers of cases) {
      expect(check(guard, headers)).toEqual({
        status: 401,
        message: 'A bearer token is required: Authorization: Bearer <token>',
        headers: { 'WWW-Authenticate': 'Bearer realm="demo"' },
      });
    }
  });

  it('refuses another token as not valid', () => {
    expect(check(guard, { Authorization: 'Bearer s3cret-not' })).toEqual({
      status: 401,
      message: 'The bearer token is not valid',
      headers: { 'WWW-Authenticate': 'Bearer realm="demo", error="invalid_token"' },
    });
  });
});

describe('secretGuard with apiKeyHeader', () => {
  const guard = guardOf(apiKeyHeader('X-API-Key'));

  it('lets the right key through', () => {
    expect(check(guard, { 'X-API-Key': 's3cret' })).toBe(true);
  });

  it('asks for a key when the header is missing or empty, or the key comes as a bearer token', () => {
    const cases: Record<string, string>[] = [{}, { 'X-API-Key': '' }, { Authorization: 'Bearer s3cret' }];
    for (const headers of cases) {
      expect(check(guard, headers)).toEqual({
        status: 401,
        message: 'An API key is required: X-API-Key: <key>',
        headers: {},
      });
    }
  });

  it('refuses another key as not valid', () => {
    expect(check(guard, { 'X-API-Key': 'S3CRET' })).toEqual({
      status: 401,
      message: 'The API key is not valid',
      headers: {},
    });
  });
});

describe('secretGuard in Nest', () => {
  it('is given the secret of the config namespace registered under the key', async () => {
    const config = registerAs('demo', () => ({ secret: 'from-config', delayMs: 0 }));
    const Guard = secretGuard(config.KEY, apiKeyHeader('X-API-Key'));
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forFeature(config)],
      providers: [Guard],
    }).compile();
    const guard = moduleRef.get(Guard);
    expect(check(guard, { 'X-API-Key': 'from-config' })).toBe(true);
    expect(check(guard, { 'X-API-Key': 's3cret' })).toMatchObject({ status: 401 });
  });

  it('is a class of its own for each service', () => {
    expect(secretGuard(CONFIG_KEY, bearerToken('demo'))).not.toBe(
      secretGuard(CONFIG_KEY, bearerToken('demo')),
    );
  });
});
