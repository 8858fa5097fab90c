import { describe, expect, it } from 'vitest';
import { type AlarmSummary, gaugeDefinitions, summarizeGauge } from './gauges.ts';

const slot = gaugeDefinitions.find((g) => g.id === 'slot-lag')!;
const dlq = gaugeDefinitions.find((g) => g.id === 'dlq-depth')!;
const alarm = (name: string, state: AlarmSummary['state'], metricNames: string[]): AlarmSummary => ({
  name,
  state,
  reason: '',
  updatedAt: null,
  metricNames,
});

describe('summarizeGauge', () => {
  it('says "no data" (null) rather than zero when nothing was published, and no alarm when none exists', () => {
    expect(summarizeGauge(slot, [], [], [])).toMatchObject({
      value: null,
      cap: null,
      capShare: null,
      state: 'NO_ALARM',
    });
  });

  it('shows the worst series and, for slot lag, the share of the cap', () => {
    const gauge = summarizeGauge(
      slot,
      [
        { metricName: 'SlotRetainedWalBytes', dimensions: { SlotName: 'a' }, value: 100, at: '' },
        { metricName: 'SlotRetainedWalBytes', dimensions: { SlotName: 'b' }, value: 300, at: '' },
      ],
      [{ metricName: 'SlotCapBytes', dimensions: {}, value: 1000, at: '' }],
      [],
    );
    expect(gauge).toMatchObject({ value: 300, cap: 1000, capShare: 0.3 });
    expect(gauge.series[0]!.dimensions.SlotName).toBe('b');
  });

  it('takes the alarms on its own metrics only, and ALARM wins over the rest', () => {
    const alarms = [
      alarm('slot-ok', 'OK', ['SlotRetainedWalBytes']),
      alarm('slot-firing', 'ALARM', ['SlotConsumerLagBytes', 'SlotCapBytes']),
      alarm('dlq', 'ALARM', ['ApproximateNumberOfMessagesVisible']),
    ];
    const gauge = summarizeGauge(slot, [], [], alarms);
    expect(gauge.alarms.map((a) => a.name)).toEqual(['slot-ok', 'slot-firing']);
    expect(gauge.state).toBe('ALARM');
  });

  it('reads DLQ depth from dead-letter queues only', () => {
    const keep = dlq.metrics[0]!.keep!;
    expect(keep({ QueueName: 'HoldlinePaymentDlq1234.fifo' })).toBe(true);
    expect(keep({ QueueName: 'HoldlinePaymentQueue1234.fifo' })).toBe(false);
  });
});
