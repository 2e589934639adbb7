import { registerAs } from '@nestjs/config';
import Joi from 'joi';

/** The header that carries the API key, as the `credit_bureau` integration's `auth.header` sends it. */
export const API_KEY_HEADER = 'X-API-Key';

/**
 * The demo credit bureau's variables, for the app to merge into the one schema it validates at
 * start-up (every key is a Joi schema, as `configurationModule` expects).
 */
export const creditBureauEnvironment = {
  /** The API key every credit report requires in `X-API-Key`; an empty value means the default. */
  CREDIT_BUREAU_API_KEY: Joi.string().empty('').default('demo-bureau-key'),
  /** A wait before every credit report answer (401, 400 and 404 included), for timeout demos. */
  CREDIT_BUREAU_DELAY_MS: Joi.number().integer().min(0).max(600000).default(0),
} satisfies Record<string, Joi.Schema>;

export interface CreditBureauConfig {
  apiKey: string;
  delayMs: number;
}

interface CreditBureauVariables {
  CREDIT_BUREAU_API_KEY: string;
  CREDIT_BUREAU_DELAY_MS: number;
}

/**
 * The typed `creditBureau` namespace. It validates the same schema itself, so that defaults and
 * conversions hold even in an app (or a test) that does not validate the whole environment.
 */
export const creditBureauConfig = registerAs('creditBureau', (): CreditBureauConfig => {
  const { error, value } = Joi.object<CreditBureauVariables>(creditBureauEnvironment).validate(process.env, {
    allowUnknown: true,
    abortEarly: false,
  });
  if (error) throw new Error(`Invalid credit bureau configuration: ${error.message}`);
  return { apiKey: value.CREDIT_BUREAU_API_KEY, delayMs: value.CREDIT_BUREAU_DELAY_MS };
});
