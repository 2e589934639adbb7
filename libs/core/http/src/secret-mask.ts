/** Variables whose values are credentials, by name: never written to a log, an answer or a record. */
const SECRET_VARIABLE = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|_KEY|CREDENTIALS?)$/i;
/** Shorter values would mask ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * `text` with every configured secret masked: the values of the environment's credential
 * variables (`*_TOKEN`, `*_API_KEY`, `*_PASSWORD`…), as an upstream may echo what it was sent.
 */
export function maskSecrets(text: string, environment: NodeJS.ProcessEnv = process.env): string {
  let masked = text;
  for (const [name, value] of Object.entries(environment)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_VARIABLE.test(name) && masked.includes(value)) {
      masked = masked.split(value).join('***');
    }
  }
  return masked;
}
