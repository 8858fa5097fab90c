import { describe, expect, it } from 'vitest';
import {
  type AlarmSummary,
  gaugeDefinitions,
  type SeriesHistory,
  seriesLabel,
  summarizeGauge,
  thresholdRules,
} from './gauges.ts';

const slot = gaugeDefinitions.find((g) => g.id === 'slot-lag')!;
const dlq = gaugeDefinitions.find((g) => g.id === 'dlq-depth')!;
const lag = gaugeDefinitions.find((g) => g.id === 'consumer-lag')!;
const since = new Date('2026-12-01T11:45:00Z');
const alarm = (
  name: string,
  state: AlarmSummary['state'],
  metricNames: string[],
  threshold: number | null = null,
  comparison: string | null = 'GreaterThanThreshold',
): AlarmSummary => ({ name, state, reason: '', updatedAt: null, metricNames, threshold, comparison });
const history = (
  metricName: string,
  dimensions: Record<string, string>,
  points: Array<[string, number]>,
): SeriesHistory => ({
  label: Object.values(dimensions).join(' / '),
  metricName,
  dimensions,
  points: points.map(([at, value]) => ({ at, value })),
});

describe('summarizeGauge', () => {
  it('says "no data" (null) rather than zero when nothing was published, and no alarm when none exists', () => {
    expect(summarizeGauge(slot, [], [], [], since)).toMatchObject({
      value: null,
      cap: null,
      capShare: null,
      state: 'NO_ALARM',
      thresholds: [],
    });
  });

  it('shows the worst latest value and, for slot lag, the share of the cap', () => {
    const gauge = summarizeGauge(
      slot,
      [
        history('SlotRetainedWalBytes', { SlotName: 'a' }, [['2026-12-01T11:58:00Z', 100]]),
        history('SlotRetainedWalBytes', { SlotName: 'b' }, [
          ['2026-12-01T11:50:00Z', 900],
          ['2026-12-01T11:59:00Z', 300],
        ]),
      ],
      [history('SlotCapBytes', {}, [['2026-12-01T11:59:00Z', 1000]])],
      [],
      since,
    );
    expect(gauge).toMatchObject({ value: 300, cap: 1000, capShare: 0.3 });
    expect(gauge.series[0]!.dimensions.SlotName).toBe('b');
    expect(gauge.history.map((h) => h.points.length)).toEqual([1, 2]);
  });

  it('counts a series whose latest point is older than the window for the value as no data, but still charts it', () => {
    const gauge = summarizeGauge(
      dlq,
      [history('ApproximateNumberOfMessagesVisible', { QueueName: 'x-dlq' }, [['2026-12-01T11:10:00Z', 4]])],
      [],
      [],
      since,
    );
    expect(gauge.value).toBeNull();
    expect(gauge.history[0]!.points).toHaveLength(1);
  });

  it('takes the alarms on its own metrics only, and ALARM wins over the rest', () => {
    const alarms = [
      alarm('slot-ok', 'OK', ['SlotRetainedWalBytes']),
      alarm('slot-firing', 'ALARM', ['SlotConsumerLagBytes', 'SlotCapBytes']),
      alarm('dlq', 'ALARM', ['ApproximateNumberOfMessagesVisible']),
    ];
    const gauge = summarizeGauge(slot, [], [], alarms, since);
    expect(gauge.alarms.map((a) => a.name)).toEqual(['slot-ok', 'slot-firing']);
    expect(gauge.state).toBe('ALARM');
  });

  it('reads DLQ depth from dead-letter queues only', () => {
    const keep = dlq.metrics[0]!.keep!;
    expect(keep({ QueueName: 'HoldlinePaymentDlq1234.fifo' })).toBe(true);
    expect(keep({ QueueName: 'HoldlinePaymentQueue1234.fifo' })).toBe(false);
  });

  it("reads consumer lag from SQS's age and the consumers' age at receive, with the thresholds of alarms on either", () => {
    const gauge = summarizeGauge(
      lag,
      [
        history('ApproximateAgeOfOldestMessage', { QueueName: 'q' }, [['2026-12-01T11:59:00Z', 20]]),
        history('OldestMessageAgeAtReceive', { Consumer: 'payment' }, [['2026-12-01T11:59:00Z', 45]]),
      ],
      [],
      [alarm('payment-oldest-message', 'OK', ['ApproximateAgeOfOldestMessage'], 600)],
      since,
    );
    expect(gauge.value).toBe(45);
    expect(gauge.thresholds.map((t) => t.value)).toEqual([600]);
  });
});

describe('thresholdRules', () => {
  it('draws one rule per distinct threshold, naming every alarm on it, red when any of them fires', () => {
    const rules = thresholdRules(
      [
        alarm('payment-age', 'OK', ['A'], 600),
        alarm('inventory-age', 'ALARM', ['A'], 600),
        alarm('warn', 'OK', ['A'], 120),
      ],
      null,
    );
    expect(rules).toEqual([
      { value: 120, kind: 'alarm', comparison: '>', firing: false, alarms: ['warn'] },
      { value: 600, kind: 'alarm', comparison: '>', firing: true, alarms: ['payment-age', 'inventory-age'] },
    ]);
  });

  it('keeps a lower and an upper bound on the same value apart, skips alarms without a threshold, adds the cap', () => {
    const rules = thresholdRules(
      [
        alarm('high', 'OK', ['A'], 5),
        alarm('low', 'OK', ['A'], 5, 'LessThanThreshold'),
        alarm('band', 'OK', ['A'], null),
      ],
      1000,
    );
    expect(rules.map((r) => `${r.kind} ${r.comparison} ${r.value}`)).toEqual([
      'alarm > 5',
      'alarm < 5',
      'cap  1000',
    ]);
  });
});

describe('seriesLabel', () => {
  it("drops the stack's prefix and .fifo from queue names", () => {
    expect(
      seriesLabel(
        dlq,
        'ApproximateNumberOfMessagesVisible',
        { QueueName: 'Holdline-PaymentDlq.fifo' },
        'holdline-',
      ),
    ).toBe('PaymentDlq');
  });

  it('says which metric a consumer-lag series comes from', () => {
    expect(seriesLabel(lag, 'OldestMessageAgeAtReceive', { Consumer: 'payment' }, 'holdline-')).toBe(
      'payment (at receive)',
    );
    expect(
      seriesLabel(lag, 'ApproximateAgeOfOldestMessage', { QueueName: 'holdline-Pay.fifo' }, 'holdline-'),
    ).toBe('Pay (queue)');
  });
});
