import { registerAs } from '@nestjs/config';
import Joi from 'joi';

/** The variables of a demo service that keeps its routes behind one secret and can be slowed down. */
export interface SecretAndDelayVariables<Secret extends string, Delay extends string> {
  /** The secret every route requires; an empty value means `defaultSecret`. */
  secret: Secret;
  defaultSecret: string;
  /** A wait in milliseconds before every answer (refusals included), for timeout demos; 0 by default. */
  delay: Delay;
}

/** What the demo service's guard and delay middleware are given. */
export interface SecretAndDelayConfig {
  secret: string;
  delayMs: number;
}

/**
 * The variables' schema map, for the app to merge into the one schema it validates at start-up
 * (every key is a Joi schema, as `configurationModule` expects).
 */
export function secretAndDelayEnvironment<Secret extends string, Delay extends string>(
  variables: SecretAndDelayVariables<Secret, Delay>,
): Record<Secret | Delay, Joi.Schema> {
  return {
    [variables.secret]: Joi.string().empty('').default(variables.defaultSecret),
    [variables.delay]: Joi.number().integer().min(0).max(600000).default(0),
  } as Record<Secret | Delay, Joi.Schema>;
}

/**
 * The typed config namespace `namespace`. It validates the same schema itself, so that defaults
 * and conversions hold even in an app (or a test) that does not validate the whole environment.
 * `service` names the service in the error a wrong value raises.
 */
export function secretAndDelayConfig<Secret extends string, Delay extends string>(
  namespace: string,
  service: string,
  variables: SecretAndDelayVariables<Secret, Delay>,
) {
  const schema = Joi.object<Record<string, unknown>>(secretAndDelayEnvironment(variables));
  return registerAs(namespace, (): SecretAndDelayConfig => {
    const { error, value } = schema.validate(process.env, { allowUnknown: true, abortEarly: false });
    if (error) throw new Error(`Invalid ${service} configuration: ${error.message}`);
    // The schema has given both their defaults and converted the delay to a number.
    return { secret: value[variables.secret] as string, delayMs: value[variables.delay] as number };
  });
}
