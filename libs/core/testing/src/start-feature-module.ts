import type { DynamicModule, Type } from '@nestjs/common';
import { configurationModule, type EnvironmentSchema } from '@libs/core/config';
import { loggingModule, type ServiceDescription } from '@libs/core/http';
import { startService, type RunningService } from './start-service';

/** A feature module and the variables its app merges into the schema it validates. */
export interface FeatureModule {
  module: Type<unknown> | DynamicModule;
  environment: EnvironmentSchema;
}

/**
 * Serves a feature module alone, the way its app serves it: under
 * `configurationModule(environment)` and `loggingModule(service)`, over real HTTP (see
 * `startService`). `load` imports the module and its environment, and is called only once `env`
 * is set, since a configuration module reads the environment when its module loads.
 */
export function startFeatureModule(
  service: string,
  load: () => Promise<FeatureModule>,
  env: Record<string, string> = {},
  description: Partial<ServiceDescription> = {},
): Promise<RunningService> {
  return startService(
    async () => {
      const { module, environment } = await load();
      class FeatureModuleUnderTest {}
      return {
        module: FeatureModuleUnderTest,
        imports: [configurationModule(environment), loggingModule(service), module],
      };
    },
    env,
    description,
  );
}
