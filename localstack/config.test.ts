import { describe, expect, it } from 'vitest';
import { captureSourceOptions } from './config.ts';

describe('captureSourceOptions (local:up --source)', () => {
  it('adds nothing for a plain start: no MariaDB, no extra JVM', () => {
    expect(captureSourceOptions('postgres', 0)).toEqual({});
    expect(captureSourceOptions('', 0)).toEqual({});
  });

  it('adds a MariaDB on the port asked for when the source is mariadb', () => {
    expect(captureSourceOptions('mariadb', 33061)).toEqual({ mariadb: { port: 33061 } });
  });
});
