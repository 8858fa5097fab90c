import {
  APPLIED,
  type Breakdown,
  DEBEZIUM,
  IN_QUEUE,
  KINESIS,
  ROUTER,
  SCHEDULED_TO_COMMIT,
} from './breakdown.ts';
import { goalP99Ms, goalRate, whatIfPollMs } from './goal.ts';

const st = (b: Breakdown, stage: string) => b.stages[stage]!;

/** The narrative: which stage dominates, why (the settings behind it), and what to set instead. */
export function findings(breakdowns: Breakdown[]): string {
  const baseline = breakdowns.filter((b) => !b.label.includes('poll'));
  const tried = breakdowns.find((b) => b.label.includes('poll'));
  const same = tried && baseline.find((b) => b.target === tried.target);
  const focus = same ?? baseline[baseline.length - 1];
  if (!focus) return 'No figures (the run did not complete).';
  const lines = whereTheTimeGoes(focus, baseline);
  if (tried && same) lines.push(whatIfFinding(same, tried));
  const behind = baseline.filter((b) => b.kinesisIngestPerSec < 0.9 * b.target);
  if (behind.length) lines.push(backlogFinding(focus, baseline, behind));
  return lines.join('\n');
}

/** The share of each stage at the focus rate, and the settings that explain it. */
function whereTheTimeGoes(focus: Breakdown, baseline: Breakdown[]): string[] {
  const deb = st(focus, DEBEZIUM);
  const rtr = st(focus, ROUTER);
  const total = st(focus, APPLIED);
  const share = (part: number) => `${Math.round((100 * part) / total.mean)}%`;
  return [
    `At ${focus.label}, of the mean ${total.mean} ms from commit to the payment queue, **Debezium (commit → Kinesis arrival) takes ${deb.mean} ms (${share(deb.mean)}; p99 ${deb.p99} ms)** and **the router hop (Kinesis → queue) ${rtr.mean} ms (${share(rtr.mean)}; p99 ${rtr.p99} ms)**; the database commit and this bench's own readers add a few ms (table below).`,
    `- **Debezium waits for its poll interval, twice.** \`debezium.source.poll.interval.ms\` is not set, so it is Debezium's default 500 ms, and it is used in two places on the path: (1) the Postgres streaming loop (\`PostgresStreamingChangeEventSource.processMessages\`) sleeps the poll interval after a few empty \`readPending\` calls, so between bursts the WAL is not read for up to 500 ms; (2) the change-event queue (\`ChangeEventQueue.poll\`) hands the sink a batch only when \`max.batch.size\` (2048) records are queued or the poll interval has passed. The sink's PutRecords calls came every ${focus.meanSinkGapMs} ms with ${focus.meanSinkBatch} records each at ${focus.label} (${baseline.map((b) => `${b.label}: ${b.meanSinkGapMs} ms, ${b.meanSinkBatch} records`).join('; ')}) — never a full 2048-record batch, so the interval alone sets the cadence. One wait gives ≈250 ms average and ≈500 ms worst; the two unaligned waits together reach ≈1 s, which is the p99 shape measured. The PutRecords call itself (\`debezium.sink.kinesis.batch.size\` 500, the API maximum) is not the problem.`,
    `- **The router waits for its shard poll.** After an empty GetRecords the local runtime sleeps \`kinesisIdlePollMs\` = 250 ms, so a record waits ≈125 ms on average before the router sees it, then one invocation (warm) and one SendMessageBatch per 10 messages per queue. In AWS this hop is slower, not faster: Lambda polls a shard about once a second with a shared-throughput iterator (≈500 ms average wait), ~70 ms with an enhanced fan-out consumer.`,
    '- **SQS long polling costs nothing here**: a long poll returns as soon as a message is visible (in queue → received p50 ' +
      `${st(focus, IN_QUEUE).p50} ms); \`WaitTimeSeconds\` only bounds how long an empty receive waits.`,
  ];
}

/** The what-if run against the same rate with the template's settings. */
function whatIfFinding(same: Breakdown, tried: Breakdown): string {
  const before = st(same, KINESIS);
  const after = st(tried, KINESIS);
  return `- **Measured, not guessed:** the same ${tried.target}/s load with \`poll.interval.ms=${whatIfPollMs}\` (outbox connector restarted from an in-memory copy of the template; the template is unchanged) moved commit → Kinesis from p50 ${before.p50} / p99 ${before.p99} ms to **p50 ${after.p50} / p99 ${after.p99} ms** (goal p99 ≤ ${goalP99Ms} ms: ${after.p99 <= goalP99Ms ? 'met' : 'not met'}), with PutRecords every ${tried.meanSinkGapMs} ms of ${tried.meanSinkBatch} records; commit → queue went from p50 ${st(same, APPLIED).p50} / p99 ${st(same, APPLIED).p99} ms to p50 ${st(tried, APPLIED).p50} / p99 ${st(tried, APPLIED).p99} ms, the rest now mostly the router's poll.`;
}

/** Rates where the stream took in less than 90 % of the offered rate: a backlog, and which processes were busy. */
function backlogFinding(focus: Breakdown, baseline: Breakdown[], behind: Breakdown[]): string {
  const cpu = (b: Breakdown) =>
    Object.entries(b.cpuPercent)
      .sort(([, x], [, y]) => y - x)
      .slice(0, 4)
      .map(([name, pct]) => `${name} ${pct}%`)
      .join(', ');
  return `- **Above ${focus.target}/s the figures measure a backlog, not the settings.** ${behind
    .map(
      (b) =>
        `At ${b.label} the stream took in only **${b.kinesisIngestPerSec} records/s** (PutRecords every ${b.meanSinkGapMs} ms with ${b.meanSinkBatch} records: the sink waits for each call), commit → Kinesis p50 ${st(b, DEBEZIUM).p50} ms; CPU (% of one core, phase + settling): ${cpu(b)}`,
    )
    .join(
      '. ',
    )}. The database kept up (scheduled → commit p99 ≤ ${Math.max(...baseline.map((b) => st(b, SCHEDULED_TO_COMMIT).p99))} ms), so the ceiling is downstream: kinesis-local is one single-threaded Node process serving both connectors' PutRecords (\`OrderEvents\` and \`OrderChanges\` each get one record per order) and every GetRecords poller, on 2 cores shared with two JVM connectors, ElasticMQ, DynamoDB Local and Postgres. A real Kinesis shard takes 1,000 records/s. The ${goalRate}/s goal cannot be judged locally until the emulator keeps up: the settings below are what the 50/s runs can show.`;
}

export const recommendations = [
  '| setting | now | recommend | why |',
  '|---|---|---|---|',
  `| \`debezium.source.poll.interval.ms\` (cdk/lib/debezium-config.ts, via \`HoldlineConfig\`) | 500 (default, unset) | **${whatIfPollMs}** | both the WAL reader's idle pause and the batch cadence; together they are most of commit → Kinesis. ${whatIfPollMs} ms bounds each wait at ${whatIfPollMs} ms. Costs ≤ ${1000 / whatIfPollMs} PutRecords calls/s per connector — billing is per shard-hour and 25 KB payload unit, not per call — and a few idle wake-ups of the JVM. |`,
  '| `debezium.source.max.batch.size` | 2048 (default) | keep | never reached below ~4,000 records/s at 500 ms; with 50 ms batches ≈ 10–25 records. Raise it only with `max.queue.size` (keep ≥ 4×) if throughput ever needs it. |',
  '| `debezium.source.max.queue.size` | 8192 (default) | keep | back-pressure buffer; not on the latency path. |',
  '| `debezium.sink.kinesis.batch.size` | 500 (default) | keep | the PutRecords maximum; a batch is sent as soon as the source hands it over. |',
  '| `debezium.source.heartbeat.interval.ms` / `offset.flush.interval.ms` | 10 000 / 1 000 | keep | slot hygiene and at-least-once window, not latency. |',
  '| router `MaximumBatchingWindowInSeconds` | 0 | keep 0 | any window adds directly to the router hop. |',
  '| router Kinesis consumer (AWS) | shared-throughput polling (~1 poll/s per shard) | **enhanced fan-out consumer** for the router mapping, if commit → queue latency matters | the router hop dominates once Debezium polls at 50 ms; EFO pushes records in ~70 ms instead of ≤1 s. The local runtime does not implement EFO (README: not implemented), so it would need a local model too. |',
  "| runtime `kinesisIdlePollMs` (localstack/cloud/runtime) | 250 | keep 250 (or 50 only if the router moves to EFO) | local runs should not look faster than AWS; 250 ms is already optimistic against AWS's ~1 s shared-throughput polling. |",
  '| SQS `WaitTimeSeconds` (consumers) | 2 locally, 20 in AWS (ESM) | keep | a long poll returns on the first visible message; it adds no latency. |',
].join('\n');
