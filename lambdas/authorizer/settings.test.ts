import { describe, expect, it } from 'vitest';
import { AUTHORIZER_ENV, authorizerSettings } from './settings.ts';

const env = {
  [AUTHORIZER_ENV.jwksUrl]: 'https://issuer.example.com/.well-known/jwks.json',
  [AUTHORIZER_ENV.jwksCacheSeconds]: '600',
  [AUTHORIZER_ENV.maxAgeSeconds]: '43200',
  [AUTHORIZER_ENV.minRemainingSeconds]: '60',
};

describe('authorizer settings', () => {
  it('reads the JWKS URL, its cache and the token policy from the environment', () => {
    expect(authorizerSettings(env)).toEqual({
      jwksUrl: env.TOKEN_JWKS_URL,
      jwksCacheSeconds: 600,
      maxAgeSeconds: 43200,
      minRemainingSeconds: 60,
    });
  });

  it('fails at start-up, naming the variable, when the JWKS URL is missing', () => {
    expect(() => authorizerSettings({ ...env, [AUTHORIZER_ENV.jwksUrl]: '' })).toThrow(/TOKEN_JWKS_URL/);
  });

  it('refuses a minimum remaining life at or over the maximum age, which no token could meet', () => {
    expect(() => authorizerSettings({ ...env, [AUTHORIZER_ENV.minRemainingSeconds]: '43200' })).toThrow(
      /TOKEN_MIN_REMAINING_SECONDS/,
    );
  });
});
