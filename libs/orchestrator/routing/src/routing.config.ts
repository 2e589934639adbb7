import { uploadEnvironment, type EnvironmentSchema } from '@libs/core/config';

export const routingEnvironment: EnvironmentSchema = { ...uploadEnvironment };
