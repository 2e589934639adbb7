import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureService, type ServiceDescription } from '@libs/core/http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK, loopbackUrl } from './local-http-server';

export interface RunningService {
  app: NestExpressApplication;
  url: string;
}

/**
 * Serves a Nest module over real HTTP on a free loopback port, configured as a service is
 * (`configureService`: logger, validation, error envelope, `/docs`). `env` is set first, with
 * `LOG_LEVEL=silent` unless it says otherwise, and only then is the module loaded: a
 * configuration module reads the environment when its module loads, so the module must be
 * imported by `loadModule` (`() => import('./app.module')…`), not at the top of the spec.
 */
export async function startService(
  loadModule: () => Promise<Type<unknown> | DynamicModule>,
  env: Record<string, string> = {},
  description: Partial<ServiceDescription> = {},
): Promise<RunningService> {
  Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [await loadModule()] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>();
  configureService(app, { title: 'service under test', description: 'test', ...description });
  await app.listen(0, LOOPBACK);
  return { app, url: loopbackUrl((app.getHttpServer().address() as AddressInfo).port) };
}
