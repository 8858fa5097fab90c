import { describe, expect, it } from 'vitest';
import { crashSettings, markerName, shouldCrash } from './crash-points.ts';

const never = () => false;
const point = 'payment:after-charge-before-ack' as const;

describe('crash points', () => {
  it('never fire outside the local runtime, even when listed', () => {
    const settings = crashSettings({ HOLDLINE_CRASH_POINTS: point });
    expect(shouldCrash(settings, point, never, 'e1')).toBe(false);
  });

  it('never fire when not listed, even under the local runtime', () => {
    const settings = crashSettings({ HOLDLINE_LOCAL_RUNTIME: '1', HOLDLINE_CRASH_POINTS: 'inventory:x' });
    expect(shouldCrash(settings, point, never, 'e1')).toBe(false);
  });

  it('fire when armed under the local runtime', () => {
    const settings = crashSettings({ HOLDLINE_LOCAL_RUNTIME: '1', HOLDLINE_CRASH_POINTS: ` x, ${point} ` });
    expect(shouldCrash(settings, point, never, 'e1')).toBe(true);
  });

  it('fire once per key when a state dir records the firings', () => {
    const settings = crashSettings({
      HOLDLINE_LOCAL_RUNTIME: '1',
      HOLDLINE_CRASH_POINTS: point,
      HOLDLINE_CRASH_STATE_DIR: '/tmp/x',
    });
    const fired = new Set([markerName(point, 'e1')]);
    expect(shouldCrash(settings, point, (m) => fired.has(m), 'e1')).toBe(false);
    expect(shouldCrash(settings, point, (m) => fired.has(m), 'e2')).toBe(true);
  });

  it('treat any value but "1" as not the local runtime', () => {
    for (const value of ['true', '0', '', 'yes']) {
      const settings = crashSettings({ HOLDLINE_LOCAL_RUNTIME: value, HOLDLINE_CRASH_POINTS: point });
      expect(shouldCrash(settings, point, never, 'e1')).toBe(false);
    }
  });

  it('name markers with file-safe characters only', () => {
    expect(markerName(point, 'a/b c')).toBe('payment_after-charge-before-ack__a_b_c');
  });
});
