import { describe, expect, it } from 'vitest';
import { emfToMetricData } from './emf.ts';

const line = JSON.stringify({
  _aws: {
    Timestamp: 1_700_000_000_000,
    CloudWatchMetrics: [
      {
        Namespace: 'Holdline',
        Dimensions: [['service', 'Consumer']],
        Metrics: [{ Name: 'EndToEndLatency', Unit: 'Milliseconds' }],
      },
    ],
  },
  service: 'payment-consumer',
  Consumer: 'payment',
  EndToEndLatency: [120, 340],
});

describe('emfToMetricData', () => {
  it('turns a Powertools EMF line into a datum with its dimensions, unit, timestamp and samples', () => {
    const [m] = emfToMetricData(`2026-11-24T10:00:00Z\tINFO\t${line}`);
    expect(m?.namespace).toBe('Holdline');
    expect(m?.datum).toMatchObject({
      MetricName: 'EndToEndLatency',
      Unit: 'Milliseconds',
      Values: [120, 340],
      Dimensions: [
        { Name: 'service', Value: 'payment-consumer' },
        { Name: 'Consumer', Value: 'payment' },
      ],
    });
    expect(m?.datum.Timestamp).toEqual(new Date(1_700_000_000_000));
  });
  it('ignores ordinary log lines and broken JSON', () => {
    expect(emfToMetricData('{"level":"INFO","message":"payment handled"}')).toEqual([]);
    expect(emfToMetricData('{"_aws": {')).toEqual([]);
  });
});
