import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDir } from '../../lib/paths.ts';
import { testAws, testClientConfig } from '../../test/fixtures/aws.ts';
import { type LocalCloud, startLocalCloud } from '../local-cloud.ts';

// The slot guard in the local cloud: the runtime runs the slot monitor Lambda every second, the evaluator
// evaluates the template's alarms (1 s periods) and writes states into the emulator's CloudWatch.
const SLOT = 'holdline_outbox';
const dir = `${stateDir}/test-slot-guard`;
let cloud: LocalCloud;
const cw = new CloudWatchClient(testClientConfig());
let admin: pg.Client;

beforeAll(async () => {
  cloud = await startLocalCloud({
    stateDir: dir,
    logDir: join(dir, 'logs'),
    ports: { aws: 0, postgres: 0, api: 0 },
    external: {
      aws: testAws(),
      databaseUrl: process.env.HOLDLINE_SERVER_ADMIN_URL,
    },
    cdc: false,
    slotGuard: { monitorIntervalMs: 1000, alarmTimeScale: 60 },
  });
  admin = new pg.Client({ connectionString: cloud.database.admin });
  await admin.connect();
  await admin.query(
    `SELECT pg_create_logical_replication_slot($1, 'pgoutput') WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = $1)`,
    [SLOT],
  );
}, 180_000);

afterAll(async () => {
  await admin?.query('SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1', [
    SLOT,
  ]);
  await admin?.end();
  await cloud?.stop();
  cw.destroy();
});

async function latest(
  metricName: string,
  dims: Array<{ Name: string; Value: string }>,
): Promise<number | undefined> {
  const out = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(Date.now() - 120_000),
      EndTime: new Date(Date.now() + 1000),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: {
            Metric: { Namespace: 'Holdline', MetricName: metricName, Dimensions: dims },
            Period: 1,
            Stat: 'Maximum',
          },
        },
      ],
    }),
  );
  return out.MetricDataResults?.[0]?.Values?.[0];
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('slot guard in the local cloud', () => {
  it('publishes the slot monitor metrics from the scheduled Lambda, with the cap from Postgres', async () => {
    const cap = await until('SlotCapBytes', () => latest('SlotCapBytes', []));
    expect(cap).toBe(1024 * 1024 * 1024);
    const retained = await until('SlotRetainedWalBytes', () =>
      latest('SlotRetainedWalBytes', [{ Name: 'SlotName', Value: SLOT }]),
    );
    expect(retained).toBeGreaterThanOrEqual(0);
    expect(await until('PgWalBytes', () => latest('PgWalBytes', []))).toBeGreaterThan(0);
  });

  it('keeps the monitor-silent alarm OK while the monitor runs (missing data breaches, so it reads SampleCount)', async () => {
    const name = 'Holdline-page-slot-monitor-silent';
    const state = await until(name, async () => {
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
      const value = out.MetricAlarms?.[0]?.StateValue;
      return value === 'INSUFFICIENT_DATA' ? undefined : value;
    });
    expect(state).toBe('OK');
    const lines = readFileSync(join(dir, 'logs', 'oncall.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.alarmName === name && l.to === 'ALARM')).toEqual([]);
    // Kinesis metrics have no local source: the iterator-age alarms, which breach on silence, are not evaluated.
    expect(cloud.alarms?.skipped).toEqual(
      expect.arrayContaining([expect.stringMatching(/IteratorAge.*AWS\/Kinesis has no local source/i)]),
    );
  });

  it('moves an alarm to ALARM from the template definition, visible in DescribeAlarms and the on-call sink', async () => {
    const name = `Holdline-page-${SLOT}-wal-status-lost`;
    // As if the monitor had seen the slot lost: the alarm is 1 of 1 on Maximum ≥ 1.
    const deadline = Date.now() + 60_000;
    let state: string | undefined;
    while (Date.now() < deadline && state !== 'ALARM') {
      await cw.send(
        new PutMetricDataCommand({
          Namespace: 'Holdline',
          MetricData: [
            { MetricName: 'SlotWalStatusLost', Value: 1, Dimensions: [{ Name: 'SlotName', Value: SLOT }] },
          ],
        }),
      );
      await sleep(500);
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
      state = out.MetricAlarms?.[0]?.StateValue;
    }
    expect(state).toBe('ALARM');
    const lines = readFileSync(join(dir, 'logs', 'oncall.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.alarmName === name && l.to === 'ALARM' && l.severity === 'page')).toBe(true);
  });
});
