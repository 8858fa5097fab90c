/**
 * The token issuer the API trusts: context `tokenJwksUrl`, the HTTPS URL of the issuer's JWKS. There is no default:
 * a deploy that names none fails at synth, instead of an API that refuses every token.
 */
export const TOKEN_JWKS_CONTEXT = 'tokenJwksUrl';

/** The issuer's JWKS URL from context; throws a message naming the setting when it is missing or not https. */
export function tokenJwksUrlFromContext(get: (key: string) => unknown): string {
  const value: unknown = get(TOKEN_JWKS_CONTEXT);
  if (value === undefined || value === '')
    throw new Error(
      `No token issuer. Pass -c ${TOKEN_JWKS_CONTEXT}=https://<issuer>/.well-known/jwks.json, the JWKS whose keys ` +
        'sign the API tokens (docs/deploy.md, "The token issuer").',
    );
  if (typeof value !== 'string' || !value.startsWith('https://'))
    throw new Error(`context ${TOKEN_JWKS_CONTEXT}=${String(value)}: expected an https:// URL`);
  return value;
}

/**
 * An issuer for templates that are read and never deployed (the architecture diagram, the scanners, the cost
 * table, template tests): the setting is required, and these have no issuer of their own.
 */
export const READ_ONLY_SYNTH_ISSUER = {
  [TOKEN_JWKS_CONTEXT]: 'https://issuer.example.com/.well-known/jwks.json',
} as const;
