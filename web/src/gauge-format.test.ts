import { describe, expect, it } from 'vitest';
import { formatValue, rangeText, thresholdText } from './gauge-format.ts';

describe('formatValue', () => {
  it('shows bytes as MiB past a MiB, and milliseconds as seconds past a second', () => {
    expect(formatValue(3 * 1024 ** 2, 'Bytes')).toBe('3.0 MiB');
    expect(formatValue(2048, 'Bytes')).toBe('2.0 KiB');
    expect(formatValue(1520, 'Milliseconds')).toBe('1.52 s');
    expect(formatValue(42.4, 'Milliseconds')).toBe('42 ms');
  });
});

describe('rangeText', () => {
  it('names the span and the step of the chart', () => {
    expect(rangeText({ from: '2026-12-01T11:00:00Z', to: '2026-12-01T12:00:00Z', periodSeconds: 60 })).toBe(
      'last 60 min, 60 s steps',
    );
  });
});

describe('thresholdText', () => {
  it('says how many alarms share a threshold and whether one fires', () => {
    expect(
      thresholdText(
        { value: 600, kind: 'alarm', comparison: '>', firing: true, alarms: ['a', 'b'] },
        'Seconds',
      ),
    ).toBe('alarm > 600 s (2 alarms, firing)');
    expect(
      thresholdText({ value: 1024 ** 3, kind: 'cap', comparison: '', firing: false, alarms: [] }, 'Bytes'),
    ).toBe('cap 1024.0 MiB');
  });
});
