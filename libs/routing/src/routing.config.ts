import { uploadEnvironment, type EnvironmentSchema } from '@orchestrator/config';

export const routingEnvironment: EnvironmentSchema = { ...uploadEnvironment };
