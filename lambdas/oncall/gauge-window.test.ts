import { describe, expect, it } from 'vitest';
import { gaugeWindowFromEnv } from './gauge-window.ts';

describe('gaugeWindowFromEnv', () => {
  it('charts the last hour in 60 s periods by default', () => {
    expect(gaugeWindowFromEnv({})).toEqual({ chartSeconds: 3600, latestSeconds: 900, periodSeconds: 60 });
  });

  it('divides every span by the time scale, as the local alarm evaluator divides periods', () => {
    expect(gaugeWindowFromEnv({ ONCALL_TIME_SCALE: '12' })).toEqual({
      chartSeconds: 300,
      latestSeconds: 75,
      periodSeconds: 5,
    });
  });

  it('refuses a scale that does not divide a minute into whole seconds', () => {
    expect(() => gaugeWindowFromEnv({ ONCALL_TIME_SCALE: '7' })).toThrow(/ONCALL_TIME_SCALE/);
  });
});
