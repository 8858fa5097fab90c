import { describe, expect, it } from 'vitest';
import { type SeenTransition, slotPages } from './observe.ts';

const transition = (
  alarmName: string,
  seenAt: number,
  over: Partial<SeenTransition> = {},
): SeenTransition => ({
  at: new Date(seenAt).toISOString(),
  alarmName,
  severity: 'page',
  from: 'OK',
  to: 'ALARM',
  reason: 'test',
  metric: 'RetainedWalBytes',
  values: [],
  seenAt,
  ...over,
});

describe('slotPages', () => {
  it('counts only pages of a named slot that went to ALARM inside the band', () => {
    const transitions = [
      transition('Holdline-page-holdline_rules-retained-page', 150),
      transition('Holdline-page-holdline_rules-inactive', 50),
      transition('Holdline-warn-holdline_rules-retained-warn', 150, { severity: 'warn' }),
      transition('Holdline-page-holdline_rules-time-to-cap', 160, { to: 'OK' }),
      transition('Holdline-page-payment-oldest-message', 150),
    ];
    expect(slotPages(transitions, ['holdline_rules'], 100, 200).map((t) => t.alarmName)).toEqual([
      'Holdline-page-holdline_rules-retained-page',
    ]);
  });
});
