import type { ReadableReport, Report } from '../kit/report.ts';
import type { FifoArmResult } from './fifo-arm.ts';
import type { KinesisArmResult } from './kinesis-arm.ts';
import { fixedP99BoundMs } from './verdict.ts';

/** Short shard labels for charts: `shardId-000000000002` → `shard 2`. */
const shardLabel = (id: string) => `shard ${Number(id.replace(/\D/g, ''))}`;

/** The report JSON (metrics per keying and per FIFO arm) and its readable form with charts. */
export function hotKeyReport(input: {
  passed: boolean;
  rules: Record<string, boolean>;
  kinesisArms: KinesisArmResult[];
  fifoArms: FifoArmResult[];
  setup: Record<string, unknown>;
}): { report: Report; readable: ReadableReport } {
  const metrics: Record<string, unknown> = {};
  for (const arm of input.kinesisArms)
    for (const [k, v] of Object.entries(arm.metrics)) metrics[`${arm.keying}.${k}`] = v;
  for (const arm of input.fifoArms)
    for (const [k, v] of Object.entries(arm.metrics)) metrics[`fifo-${arm.whaleGroup}.${k}`] = v;
  const customer = input.kinesisArms.find((a) => a.keying === 'customer');
  const report: Report = {
    drill: 'hot-key',
    passed: input.passed,
    metrics,
    evidence: {
      rules: input.rules,
      setup: input.setup,
      recordsByShard: Object.fromEntries(input.kinesisArms.map((a) => [a.keying, a.recordsByShard])),
      // Per second, the producer's backlog by shard, and the consumer's iterator age by shard (customer keying).
      customerBacklog: customer?.backlog,
      customerIteratorAge: customer?.iteratorAge.filter((_, i) => i % 5 === 0),
    },
  };
  const shardRows = input.kinesisArms.flatMap((a) =>
    Object.entries(a.recordsByShard).map(([shard, records]) => ({
      keying: a.keying,
      shard: shardLabel(shard),
      records,
    })),
  );
  const p99Rows = input.kinesisArms.flatMap((a) => [
    { keying: a.keying, who: 'whale', p99Ms: a.metrics.whaleP99Ms },
    { keying: a.keying, who: 'others', p99Ms: a.metrics.othersP99Ms },
  ]);
  const fifoRows = input.fifoArms.flatMap((a) => [
    { arm: a.whaleGroup, who: 'whale', p99Ms: a.metrics.whaleP99Ms },
    { arm: a.whaleGroup, who: 'others', p99Ms: a.metrics.othersP99Ms },
  ]);
  const readable: ReadableReport = {
    title: 'Drill: hot-key — a whale customer past one shard’s limit, and the keys that fix it',
    summary: [
      `A whale customer publishes ${String((input.setup.kinesisLoad as { whaleRecordsPerSecond: number }).whaleRecordsPerSecond)} records/s`,
      `while 30 small customers publish 300 together, to a fresh ${String(input.setup.shards)}-shard stream of the Kinesis emulator`,
      '(ferrokinesis, 1,000 records/s per shard enforced), once per keying: by customer id, by order id (today’s design),',
      'and salted for the whale (`customer#bucket`, bucket from the order id). The producer retries throttled records with',
      'backoff, one event per order in flight; an in-drill consumer reads each shard at a modelled',
      `${String(input.setup.consumerRecordsPerSecond)} records/s. Latency is due → processed.`,
      `Then SQS FIFO (ElasticMQ): the whale's events in one group per customer or one per order, ${String(input.setup.fifoWorkers)}`,
      `in-drill consumer workers at ${String(input.setup.fifoProcessMs)} ms a message.`,
      `Pass: every rule below held (salted p99 bound ${fixedP99BoundMs} ms).`,
    ].join(' '),
    charts: [
      {
        name: 'shards',
        caption: 'Records per shard, by keying',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: { values: shardRows },
          mark: 'bar',
          encoding: {
            x: { field: 'shard', type: 'nominal' },
            xOffset: { field: 'keying' },
            y: { field: 'records', type: 'quantitative' },
            color: { field: 'keying', type: 'nominal' },
          },
        },
      },
      {
        name: 'latency',
        caption: 'p99 due → processed (ms), whale vs others, by keying',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: { values: p99Rows },
          mark: 'bar',
          encoding: {
            x: { field: 'keying', type: 'nominal' },
            xOffset: { field: 'who' },
            y: { field: 'p99Ms', type: 'quantitative', title: 'p99 ms' },
            color: { field: 'who', type: 'nominal' },
          },
        },
      },
      {
        name: 'iterator-age',
        caption: 'Keyed by customer: iterator age per shard over the run (ms)',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: {
            values: (customer?.iteratorAge ?? []).map((a) => ({ ...a, shard: shardLabel(a.shardId) })),
          },
          mark: 'line',
          encoding: {
            x: { field: 'atMs', type: 'quantitative', title: 'ms since start' },
            y: { field: 'ms', type: 'quantitative', title: 'iterator age ms' },
            color: { field: 'shard', type: 'nominal' },
          },
        },
      },
      {
        name: 'backlog',
        caption: 'Keyed by customer: records waiting at the producer, per shard',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: { values: (customer?.backlog ?? []).map((b) => ({ ...b, shard: shardLabel(b.shardId) })) },
          mark: 'line',
          encoding: {
            x: { field: 'atMs', type: 'quantitative', title: 'ms since start' },
            y: { field: 'records', type: 'quantitative' },
            color: { field: 'shard', type: 'nominal' },
          },
        },
      },
      {
        name: 'fifo',
        caption: 'SQS FIFO: p99 (ms) with the whale in one group per customer vs one per order',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: { values: fifoRows },
          mark: 'bar',
          encoding: {
            x: { field: 'arm', type: 'nominal' },
            xOffset: { field: 'who' },
            y: { field: 'p99Ms', type: 'quantitative', title: 'p99 ms' },
            color: { field: 'who', type: 'nominal' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Rules',
        body: Object.entries(input.rules)
          .map(([rule, held]) => `- ${held ? '✔' : '✘'} \`${rule}\``)
          .join('\n'),
      },
    ],
  };
  return { report, readable };
}
