import type { EnvironmentSchema } from '@orchestrator/config';
import Joi from 'joi';

export const UPLOAD_MAX_BYTES = 'UPLOAD_MAX_BYTES';

export const routingEnvironment: EnvironmentSchema = {
  /** Largest audio file accepted, in bytes: 25 MB, OpenAI's own limit. */
  [UPLOAD_MAX_BYTES]: Joi.number().integer().min(1).default(26_214_400),
};
