import { describe, expect, it } from 'vitest';
import { verifyFullTls } from '../../lambdas/shared/db/tls.ts';
import { ConfigError } from '../../lambdas/shared/env.ts';
import { relayConfigFromEnv } from './config.ts';

describe('relayConfigFromEnv', () => {
  it('takes DATABASE_URL locally and defaults to a 500 ms interval and 200 aggregates per claim', () => {
    const config = relayConfigFromEnv({ DATABASE_URL: 'postgres://u:p@h/db', OUTBOX_STREAM_NAME: 's' });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://u:p@h/db',
      streamName: 's',
      intervalMs: 500,
      limits: { maxAggregates: 200, maxRows: 2000 },
      claimLog: undefined,
    });
  });

  it('connects with verify-full TLS against the RDS CAs (not sslmode=require) when there is no DATABASE_URL', () => {
    const config = relayConfigFromEnv({
      DB_HOST: 'db.example',
      DB_NAME: 'holdline',
      DB_USERNAME: 'holdline_app',
      DB_PASSWORD: 'p@ss/word',
      OUTBOX_STREAM_NAME: 's',
    });
    const url = new URL(config.databaseUrl);
    expect(url.hostname).toBe('db.example');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.password)).toBe('p@ss/word');
    // sslmode in the URL would override `ssl` and check the chain against Node's store, which has no RDS CA.
    expect(url.searchParams.get('sslmode')).toBeNull();
    expect(config.ssl).toEqual(verifyFullTls());
    expect(config.ssl?.rejectUnauthorized).toBe(true);
    expect([config.ssl?.ca ?? []].flat().length).toBeGreaterThan(100);
  });

  it('names the variable that is missing or malformed', () => {
    expect(() => relayConfigFromEnv({ DATABASE_URL: 'postgres://h/db' })).toThrow(/OUTBOX_STREAM_NAME/);
    expect(() =>
      relayConfigFromEnv({
        DATABASE_URL: 'postgres://h/db',
        OUTBOX_STREAM_NAME: 's',
        RELAY_INTERVAL_MS: '0',
      }),
    ).toThrow(ConfigError);
  });
});
