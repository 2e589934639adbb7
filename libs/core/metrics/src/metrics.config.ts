import type { EnvironmentSchema } from '@libs/core/config';
import Joi from 'joi';

export const METRICS_TOKEN = 'METRICS_TOKEN';

/**
 * The token `GET /metrics` asks for (`Authorization: Bearer <token>`). Empty: the route is open to
 * whoever reaches it, and the network guards it (Kong does not route it; docker-compose.yml
 * publishes no orchestrator port).
 */
export const metricsEnvironment: EnvironmentSchema = {
  [METRICS_TOKEN]: Joi.string().allow('').default(''),
};
