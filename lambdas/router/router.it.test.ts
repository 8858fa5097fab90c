import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionIdByEntry, mappingIdsOf, resourcesOfType } from '../../cdk/lib/template.ts';
import { localAppTemplate } from '../../localstack/cloud/local-template.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import {
  type CfnTemplate,
  type Provisioned,
  provisionFromTemplate,
} from '../../localstack/cloud/provision/index.ts';
import { type Runtime, startRuntime } from '../../localstack/cloud/runtime/index.ts';
import { logDir } from '../../localstack/lib/paths.ts';
import { testAws, testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import { CONSUMERS, type ConsumerName, queueOutputId } from '../shared/consumers.ts';
import { type OrderEventMessage, orderEventMessageSchema } from '../shared/order-event-message.ts';
import type { QuarantinedStreamRecord } from '../shared/stream-quarantine.ts';
import { serializeOutboxRecord } from './envelope.ts';
import { heartbeat } from './fixtures/debezium-records.ts';
import { anOrderEvent } from './fixtures/records.ts';

const ROUTER_ENTRY = 'lambdas/router/handler.ts';

/** Logical ids of the router function and of every event-source mapping, split into the router's and the rest. */
function routerIds(template: CfnTemplate) {
  const routerFn = functionIdByEntry(template, ROUTER_ENTRY);
  const routerMapping = mappingIdsOf(template, routerFn);
  const others = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
    .map(([id]) => id)
    .filter((id) => !routerMapping.includes(id));
  return { routerFn, routerMapping, others };
}

interface Received {
  eventId: string;
  groupId: string | undefined;
  dedupId: string | undefined;
  body: OrderEventMessage;
  attributes: Message['MessageAttributes'];
}

describe('router Lambda on the local cloud (Kinesis → three SQS FIFO queues)', () => {
  const sqs = new SQSClient(testClientConfig());
  const kinesis = kinesisClient(testAws());
  let template: CfnTemplate;
  let provisioned: Provisioned;
  let runtime: Runtime;
  let stateDir: string;
  let routerMapping: string;
  let routerFn: string;
  let streamName: string;
  let queues: Record<ConsumerName, string>;
  /** Everything each consumer queue delivered over the whole file (messages are deleted once read). */
  const delivered = new Map<string, Received[]>();

  const output = (name: string): string => {
    const value = provisioned.outputs[name];
    if (value === undefined) throw new Error(`template has no output ${name}`);
    return value;
  };

  /** Puts one record (PutRecord, not PutRecords: only PutRecord keeps the write order). Returns its sequence number. */
  const put = async (data: string, partitionKey: string): Promise<string> => {
    const out = await kinesis.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: Buffer.from(data) }),
    );
    return out.SequenceNumber ?? '';
  };
  const putEvent = (event: OrderEventMessage) => put(serializeOutboxRecord(event), event.aggregateId);

  /**
   * Puts records while the router's mapping is paused, then resumes it: the poller then reads them as ONE batch,
   * so good and bad records share an invocation (as they do when records pile up behind a busy function).
   */
  const putAsOneBatch = async (puts: Array<() => Promise<string>>): Promise<string[]> => {
    await runtime.setMappingEnabled(routerMapping, false);
    const sequenceNumbers: string[] = [];
    for (const p of puts) sequenceNumbers.push(await p());
    await runtime.setMappingEnabled(routerMapping, true);
    return sequenceNumbers;
  };

  /** Receives and deletes what a queue holds now (until an empty receive); records it in `delivered`. */
  const drain = async (queueUrl: string): Promise<Received[]> => {
    const got: Received[] = [];
    while (true) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages) {
        const body = orderEventMessageSchema.parse(JSON.parse(m.Body ?? ''));
        got.push({
          eventId: body.eventId,
          groupId: m.Attributes?.MessageGroupId,
          dedupId: m.Attributes?.MessageDeduplicationId,
          body,
          attributes: m.MessageAttributes,
        });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    delivered.set(queueUrl, [...(delivered.get(queueUrl) ?? []), ...got]);
    return got;
  };

  /** Drains every consumer queue until each has delivered all of `eventIds` (over the file), or fails. */
  const waitForDelivery = async (eventIds: string[], timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    const missing = () =>
      Object.values(queues).flatMap((url) => {
        const seen = new Set((delivered.get(url) ?? []).map((r) => r.eventId));
        return eventIds.filter((id) => !seen.has(id)).map((id) => `${id} in ${url}`);
      });
    while (true) {
      for (const url of Object.values(queues)) await drain(url);
      const left = missing();
      if (left.length === 0) return;
      if (Date.now() > deadline) throw new Error(`not delivered after ${timeoutMs} ms: ${left.join(', ')}`);
      await sleep(200);
    }
  };

  const deliveriesOf = (eventId: string) =>
    Object.values(queues).map((url) => (delivered.get(url) ?? []).filter((r) => r.eventId === eventId));

  beforeAll(async () => {
    template = localAppTemplate();
    // A stack of its own: fresh stream, queues and checkpoints, whatever other test files left in the emulators.
    provisioned = await provisionFromTemplate(template, testAws(), {
      stackName: `router-it-${Date.now().toString(36)}`,
    });
    streamName = output('OrderEventsStreamName');
    queues = Object.fromEntries(CONSUMERS.map((c) => [c, output(queueOutputId(c, 'Queue'))])) as Record<
      ConsumerName,
      string
    >;
    stateDir = mkdtempSync(join(tmpdir(), 'holdline-router-it-'));
    const ids = routerIds(template);
    routerFn = ids.routerFn;
    if (ids.routerMapping.length !== 1) throw new Error(`router has ${ids.routerMapping.length} mappings`);
    routerMapping = ids.routerMapping[0] as string;
    runtime = await startRuntime({
      template,
      provisioned,
      access: testAws(),
      localEnv: {},
      stateDir,
      logDir,
    });
    // The consumers are placeholders that throw; their pollers would take (and fail) the messages under test.
    for (const id of ids.others) await runtime.setMappingEnabled(id, false);
  });

  afterAll(async () => {
    await runtime?.stop();
    sqs.destroy();
    kinesis.destroy();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const orderA = anOrderEvent();
  const orderB = anOrderEvent({ traceContext: null });

  it('sends each event to all three FIFO queues, grouped by order id, deduplicated by event id; skips heartbeats', async () => {
    await putAsOneBatch([
      () => putEvent(orderA),
      () => put(heartbeat.data, heartbeat.partitionKey),
      () => putEvent(orderB),
    ]);

    await waitForDelivery([orderA.eventId, orderB.eventId]);

    for (const event of [orderA, orderB]) {
      for (const copies of deliveriesOf(event.eventId)) {
        expect(copies).toHaveLength(1);
        expect(copies[0]).toMatchObject({ groupId: event.aggregateId, dedupId: event.eventId, body: event });
        expect(copies[0]?.attributes?.eventType?.StringValue).toBe('OrderPlaced');
      }
    }
    // Nothing but the two events: the heartbeat produced no message.
    for (const url of Object.values(queues)) expect(delivered.get(url)).toHaveLength(2);
    expect(runtime.stats().mappings[routerMapping]).toMatchObject({ failedBatches: 0, discarded: 0 });
  });

  it('does not deliver a record put again within the FIFO deduplication window', async () => {
    // The marker comes after the repeat in the same shard: once it is delivered, the repeat has been routed too.
    const marker = anOrderEvent();
    await putAsOneBatch([() => putEvent(orderA), () => putEvent(marker)]);

    await waitForDelivery([marker.eventId]);

    for (const copies of deliveriesOf(orderA.eventId)) expect(copies).toHaveLength(1);
    for (const copies of deliveriesOf(marker.eventId)) expect(copies).toHaveLength(1);
  });

  it('quarantines malformed and unroutable records with their data and reason, holding up no other order', async () => {
    const failureQueue = output('RouterFailureQueueUrl');
    const [before, after] = [anOrderEvent(), anOrderEvent()];
    const unknownType = anOrderEvent({ eventType: 'OrderTeleported' });
    const started = Date.now();

    const [malformedSeq, , unknownSeq] = await putAsOneBatch([
      // An outbox record cut short: not JSON.
      () => put(serializeOutboxRecord(anOrderEvent()).slice(0, 40), 'order-malformed'),
      () => putEvent(before),
      () => putEvent(unknownType),
      () => putEvent(after),
    ]);

    await waitForDelivery([before.eventId, after.eventId]);
    const deliveredAfterMs = Date.now() - started;

    // Each bad record is in the failure queue, whole, with its reason: not retried, so nothing waits behind it.
    const failures: QuarantinedStreamRecord[] = [];
    const deadline = Date.now() + 30_000;
    while (failures.length < 2 && Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: failureQueue, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of Messages) {
        failures.push(JSON.parse(m.Body ?? ''));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: failureQueue, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    console.log(
      `[router-it] good records delivered after ${deliveredAfterMs} ms; mapping stats ` +
        JSON.stringify(runtime.stats().mappings[routerMapping]),
    );

    expect(failures.map((f) => f.record.sequenceNumber).sort()).toEqual([malformedSeq, unknownSeq].sort());
    const bySeq = new Map(failures.map((f) => [f.record.sequenceNumber, f]));
    expect(bySeq.get(malformedSeq!)).toMatchObject({ reader: 'router', errorName: 'InvalidRecordError' });
    expect(bySeq.get(unknownSeq!)).toMatchObject({
      errorName: 'UnroutableEventError',
      reason: expect.stringContaining('OrderTeleported'),
      record: { partitionKey: unknownType.aggregateId },
    });
    // The quarantined data is the record itself: it can be put back on the stream as it was.
    const unknownData = Buffer.from(bySeq.get(unknownSeq!)!.record.data, 'base64').toString('utf8');
    expect(JSON.parse(unknownData)).toMatchObject({ eventType: 'OrderTeleported' });
    // Nothing was retried: no record of this test failed, so the mapping discarded nothing.
    expect(runtime.stats().mappings[routerMapping]).toMatchObject({ discarded: 0 });
    // The unknown type never reached a consumer queue.
    for (const copies of deliveriesOf(unknownType.eventId)) expect(copies).toHaveLength(0);

    // The router logged each reason, structured, with the record's sequence number.
    const lines = readFileSync(join(logDir, `lambda-${routerFn}.log`), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const errorOf = (seq: string | undefined) =>
      lines.find((l) => l.level === 'ERROR' && l.sequenceNumber === seq)?.error as Record<string, unknown>;
    expect(errorOf(malformedSeq)).toMatchObject({ name: 'InvalidRecordError', reason: 'data is not JSON' });
    expect(errorOf(unknownSeq)).toMatchObject({
      name: 'UnroutableEventError',
      eventId: unknownType.eventId,
      eventType: 'OrderTeleported',
    });
  }, 60_000);

  it('delivered every routable event exactly once to each queue', async () => {
    for (const url of Object.values(queues)) await drain(url);

    for (const url of Object.values(queues)) {
      const counts = new Map<string, number>();
      for (const r of delivered.get(url) ?? []) counts.set(r.eventId, (counts.get(r.eventId) ?? 0) + 1);
      expect(
        [...counts.values()].every((n) => n === 1),
        `duplicates in ${url}`,
      ).toBe(true);
      expect(counts.size).toBe(5);
    }
  });
});
