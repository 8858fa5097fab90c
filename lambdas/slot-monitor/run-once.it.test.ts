import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import { createPgClient } from '../shared/db/pg-client.ts';
import { metricNames } from '../shared/metric-names.ts';
import { SlotMonitor } from './monitor.ts';
import { runMonitorOnce } from './run-once.ts';

// A real Postgres, an address where nothing answers, and the emulator's CloudWatch: what the monitor publishes
// for a reachable and an unreachable database.
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** The run's datapoints fall into one period: its Maximum shows a 1, its Minimum a 0. */
async function dependencyDownValues(cw: CloudWatchClient, since: Date, stat: 'Maximum' | 'Minimum') {
  const { MetricDataResults } = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(since.getTime() - 60_000),
      EndTime: new Date(Date.now() + 60_000),
      MetricDataQueries: [
        {
          Id: 'down',
          MetricStat: {
            Metric: {
              Namespace: 'Holdline',
              MetricName: metricNames.dependencyDown,
              Dimensions: [{ Name: 'Dependency', Value: 'database' }],
            },
            Period: 60,
            Stat: stat,
          },
        },
      ],
    }),
  );
  return MetricDataResults?.[0]?.Values ?? [];
}

/** A port that accepts connections and never answers: a frozen server, as SIGSTOP leaves one. */
async function hangingPort() {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, close: () => server.close() };
}

describe('runMonitorOnce', () => {
  const cw = new CloudWatchClient(testClientConfig());
  afterAll(() => cw.destroy());

  it('publishes DependencyDown 1 for a database that hangs, without failing the run, and 0 once it answers', async () => {
    const since = new Date();
    const hanging = await hangingPort();
    const unreachable = createPgClient({
      connectionString: `postgres://nobody@127.0.0.1:${hanging.port}/holdline-${randomUUID().slice(0, 6)}`,
    });
    try {
      const down = await runMonitorOnce({
        monitor: new SlotMonitor(),
        db: async () => unreachable,
        cloudWatch: cw,
        logger: quiet,
      });
      expect(down).toEqual({ slots: 0, metrics: 0, databaseReachable: false });
      expect(await dependencyDownValues(cw, since, 'Maximum')).toContain(1);
    } finally {
      await unreachable.close();
      hanging.close();
    }
    const reachable = createPgClient({ connectionString: process.env.HOLDLINE_MONITOR_DATABASE_URL });
    try {
      const up = await runMonitorOnce({
        monitor: new SlotMonitor(),
        db: async () => reachable,
        cloudWatch: cw,
        logger: quiet,
      });
      expect(up.databaseReachable).toBe(true);
      expect(await dependencyDownValues(cw, since, 'Minimum')).toContain(0);
    } finally {
      await reachable.close();
    }
  });
});
