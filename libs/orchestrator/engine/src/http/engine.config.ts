import { uploadEnvironment, type EnvironmentSchema } from '@libs/core/config';
import Joi from 'joi';

export const CONFIG_DIR = 'CONFIG_DIR';
export const CONFIG_WATCH = 'CONFIG_WATCH';
export const CONFIG_WATCH_DEBOUNCE_MS = 'CONFIG_WATCH_DEBOUNCE_MS';

/** Where the YAML endpoints are, and whether edits there are picked up without a restart. */
export const engineEnvironment: EnvironmentSchema = {
  [CONFIG_DIR]: Joi.string().default('config'),
  [CONFIG_WATCH]: Joi.boolean().default(true),
  // An editor saves a file in several writes; one reload follows a burst of changes.
  [CONFIG_WATCH_DEBOUNCE_MS]: Joi.number().integer().min(0).default(300),
  // The same variable, and limit, as the routed POST /analyze-audio: one limit for every upload.
  ...uploadEnvironment,
};
