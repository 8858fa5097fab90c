import {
  ChangeMessageVisibilityBatchCommand,
  type ChangeMessageVisibilityBatchCommandInput,
  SendMessageCommand,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OrderEventMessage } from '../shared/order-event-message.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import {
  GatewayUnavailableError,
  MalformedMessageError,
  OversizeMessageError,
  UnknownEventTypeError,
} from './errors.ts';
import {
  acceptedEventTypes,
  type ConsumerSettings,
  fifoConsumer,
  parseMessage,
  readMessage,
} from './fifo-consumer.ts';

describe('parseMessage', () => {
  it('names what is wrong with a message that is not an order event', () => {
    expect(() => parseMessage({ messageId: 'm1', body: 'not json' })).toThrow(MalformedMessageError);
    try {
      parseMessage({ messageId: 'm2', body: JSON.stringify({ eventId: 'x' }) });
    } catch (error) {
      expect((error as MalformedMessageError).reason).toMatch(/eventId/);
    }
  });
});

const event = (group: string, n: number, eventType = 'OrderPlaced'): OrderEventMessage => ({
  eventId: `01a20000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  eventType,
  aggregateType: 'order',
  aggregateId: group,
  sequence: 1,
  occurredAt: '2026-11-24T12:00:00Z',
  traceContext: null,
  payload: {},
});

describe('readMessage', () => {
  it('takes only the event types the router sends to the consumer', () => {
    expect([...acceptedEventTypes('payment')]).toEqual(['OrderPlaced', 'OrderPaymentRequested']);
    expect([...acceptedEventTypes('notification')].sort()).toEqual([
      'OrderCancelled',
      'OrderConfirmed',
      'OrderPaymentFailed',
      'OrderPlaced',
    ]);
    const confirmed = { messageId: 'm1', body: JSON.stringify(event('o1', 1, 'OrderConfirmed')) };
    expect(() => readMessage(confirmed, 'inventory')).toThrow(UnknownEventTypeError);
    expect(readMessage(confirmed, 'notification').eventType).toBe('OrderConfirmed');
  });

  it('refuses a body over 64 KiB before parsing it', () => {
    const big = { ...event('o1', 1), payload: { blob: 'x'.repeat(70_000) } };
    expect(() => readMessage({ messageId: 'm1', body: JSON.stringify(big) }, 'payment')).toThrow(
      OversizeMessageError,
    );
  });
});

// The handler against a fake SQS client that records what the consumer asked of it.
const settings: ConsumerSettings = {
  consumer: 'payment',
  queueUrl: 'https://sqs.local/q.fifo',
  dlqUrl: 'https://sqs.local/dlq.fifo',
  budget: {
    maxAttempts: 5,
    backoffBaseSeconds: 2,
    backoffMaxSeconds: 60,
    outageBudgetSeconds: 6 * 3600,
    outageBackoffMaxSeconds: 120,
  },
  reserveMs: 8000,
};
const clock = 1_000_000;

function record(id: string, group: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
      MessageDeduplicationId: id,
    },
    messageAttributes: { eventType: { dataType: 'String', stringValue: 'OrderPlaced' } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
    awsRegion: 'us-east-1',
  };
}

function harness(
  fail: (message: OrderEventMessage) => Error | undefined,
  {
    breaker = healthyBreaker(),
    remainingMs = (): number => 30_000,
    now = (): number => clock,
    duplicate = (_: OrderEventMessage): boolean => false,
  } = {},
) {
  const sent: SendMessageCommandInput[] = [];
  const visibility: ChangeMessageVisibilityBatchCommandInput[] = [];
  const applied: string[] = [];
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof SendMessageCommand) sent.push(command.input);
      if (command instanceof ChangeMessageVisibilityBatchCommand) visibility.push(command.input);
      return {};
    },
  } as never;
  const handler = fifoConsumer(
    async (message) => {
      if (duplicate(message)) return 'duplicate';
      const error = fail(message);
      if (error) throw error;
      applied.push(message.aggregateId);
      return 'applied';
    },
    { settings, sqs, random: () => 1, now, breaker },
  );
  const invoke = (records: SQSRecord[]) =>
    handler({ Records: records } as SQSEvent, { getRemainingTimeInMillis: remainingMs } as Context);
  return { invoke, sent, visibility, applied, breaker };
}

/** A breaker that saw another message succeed a second ago: the dependencies are known to work. */
function healthyBreaker() {
  const breaker = new CircuitBreaker();
  breaker.recordSuccess(clock - 1000);
  return breaker;
}

const refused = (orderId: string) =>
  new GatewayUnavailableError(orderId, undefined, {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
  });

describe('fifoConsumer', () => {
  it('quarantines a malformed message to the DLQ with its reason and acknowledges it; other groups go on', async () => {
    const { invoke, sent, applied } = harness(() => undefined);
    const response = await invoke([
      record('m1', 'bad', 'not json'),
      record('m2', 'o2', JSON.stringify(event('o2', 2))),
    ]);
    expect(response.batchItemFailures).toEqual([]);
    expect(applied).toEqual(['o2']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      QueueUrl: settings.dlqUrl,
      MessageBody: 'not json',
      MessageGroupId: 'bad',
      MessageDeduplicationId: 'quarantine-m1',
    });
    const attributes = sent[0]!.MessageAttributes!;
    expect(attributes['holdline.reason']?.StringValue).toMatch(/^permanent failure: .*body is not JSON/);
    expect(attributes['holdline.errorName']?.StringValue).toBe('MalformedMessageError');
    expect(attributes['holdline.sourceQueue']?.StringValue).toBe('arn:aws:sqs:us-east-1:000000000000:q.fifo');
    expect(attributes['holdline.receiveCount']?.StringValue).toBe('1');
    expect(attributes.eventType?.StringValue).toBe('OrderPlaced');
  });

  it('fails a transient failure and the rest of its group only, and backs the whole group off', async () => {
    const { invoke, sent, visibility, applied } = harness((m) =>
      m.aggregateId === 'poison' ? new GatewayUnavailableError('poison', 500) : undefined,
    );
    const response = await invoke([
      record('m1', 'poison', JSON.stringify(event('poison', 1)), 2),
      record('m2', 'o2', JSON.stringify(event('o2', 2))),
      record('m3', 'poison', JSON.stringify(event('poison', 3)), 2),
    ]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm3']);
    expect(applied).toEqual(['o2']);
    expect(sent).toEqual([]);
    // Second receive: 2 s × 2.
    expect(visibility[0]?.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-m1', VisibilityTimeout: 4 },
      { Id: '2', ReceiptHandle: 'rh-m3', VisibilityTimeout: 4 },
    ]);
  });

  it('quarantines a transient failure on its last receive, then processes the rest of its group', async () => {
    const { invoke, sent, applied } = harness((m) =>
      m.eventId.endsWith('1') ? new GatewayUnavailableError('poison', 500) : undefined,
    );
    const response = await invoke([
      record('m1', 'poison', JSON.stringify(event('poison', 1)), 5),
      record('m2', 'poison', JSON.stringify(event('poison', 2)), 5),
    ]);
    expect(response.batchItemFailures).toEqual([]);
    expect(applied).toEqual(['poison']);
    expect(sent[0]?.MessageAttributes?.['holdline.reason']?.StringValue).toBe(
      'retry budget exhausted (5 of 5 receives): payment gateway unavailable for order poison (HTTP 500)',
    );
  });

  it('never quarantines during an outage: the breaker opens and hands the rest back untried', async () => {
    const { invoke, sent, visibility, applied, breaker } = harness((m) => refused(m.aggregateId), {
      breaker: new CircuitBreaker(),
    });
    const records = ['a', 'b', 'c', 'd', 'e'].map((g, i) =>
      record(`m${i}`, g, JSON.stringify(event(g, i)), 50),
    );
    const response = await invoke(records);
    expect(response.batchItemFailures).toHaveLength(5);
    expect(applied).toEqual([]);
    expect(sent).toEqual([]);
    expect(breaker.state(clock)).toBe('open');
    // The five groups were tried side by side and refused (receive 50: the outage backoff cap, 120 s).
    expect(visibility[0]?.Entries?.map((e) => e.VisibilityTimeout)).toEqual([120, 120, 120, 120, 120]);
    // The next batch is handed back untried, back when the breaker's probe is due.
    const next = await invoke(records.map((r) => ({ ...r, messageId: `${r.messageId}-next` })));
    expect(next.batchItemFailures).toHaveLength(5);
    expect(applied).toEqual([]);
    expect(visibility[1]?.Entries?.map((e) => e.VisibilityTimeout)).toEqual([5, 5, 5, 5, 5]);
  });

  it('takes no duplicate as proof the dependencies work: a failure after one is still an outage', async () => {
    // A Debezium restart during a gateway outage sends settled orders' events again; they are answered from the
    // idempotency record. They must not make a 503 look like the message's own fault on its last receive.
    const { invoke, sent, breaker } = harness((m) => new GatewayUnavailableError(m.aggregateId, 503), {
      breaker: new CircuitBreaker(),
      duplicate: (m) => m.aggregateId === 'settled',
    });
    const response = await invoke([
      record('dup', 'settled', JSON.stringify(event('settled', 1))),
      record('m5', 'o1', JSON.stringify(event('o1', 2)), 5),
    ]);
    expect(sent).toEqual([]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm5' }]);
    expect(breaker.healthy(clock, 'm5')).toBe(false);
  });

  it('frees the probe slot when the probe was a duplicate, so the next message may probe', async () => {
    const breaker = new CircuitBreaker();
    for (const id of ['x', 'y', 'z']) breaker.recordDependencyFailure(clock, 'HTTP 503', id);
    const later = clock + 10_000;
    const { invoke } = harness(() => undefined, { breaker, now: () => later, duplicate: () => true });
    await invoke([record('dup', 'settled', JSON.stringify(event('settled', 1)))]);
    expect(breaker.state(later)).toBe('half-open');
    expect(breaker.allow(later)).toBe(true);
  });

  it('releases what it parked during an outage as soon as a probe succeeds, not after the backoff', async () => {
    let t = clock;
    let down = true;
    const { invoke, visibility, applied } = harness((m) => (down ? refused(m.aggregateId) : undefined), {
      breaker: new CircuitBreaker(),
      now: () => t,
    });
    const waiting = ['a', 'b', 'c'].map((g, i) => record(`m${i}`, g, JSON.stringify(event(g, i)), 50));
    await invoke(waiting);
    expect(visibility[0]?.Entries?.map((e) => e.VisibilityTimeout)).toEqual([120, 120, 120]);
    // The gateway is back; 6 s later the breaker lets a probe through, and it succeeds.
    down = false;
    t += 6_000;
    await invoke([record('m9', 'z', JSON.stringify(event('z', 9)))]);
    expect(applied).toEqual(['z']);
    expect(visibility.at(-1)?.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-m0', VisibilityTimeout: 0 },
      { Id: '1', ReceiptHandle: 'rh-m1', VisibilityTimeout: 0 },
      { Id: '2', ReceiptHandle: 'rh-m2', VisibilityTimeout: 0 },
    ]);
  });

  it('never releases a parked message whose backoff has ended: another container may hold it', async () => {
    let t = clock;
    let down = true;
    const { invoke, visibility } = harness((m) => (down ? refused(m.aggregateId) : undefined), {
      breaker: new CircuitBreaker(),
      now: () => t,
    });
    await invoke(['a', 'b', 'c'].map((g, i) => record(`m${i}`, g, JSON.stringify(event(g, i)), 50)));
    const calls = visibility.length;
    down = false;
    t += 130_000;
    await invoke([record('m9', 'z', JSON.stringify(event('z', 9)))]);
    expect(visibility).toHaveLength(calls);
  });

  it('hands records back before the invocation runs out of time, so a hang never times out the batch', async () => {
    // 30 s at the start; the first record then takes until 7 s are left, under the 8 s kept back.
    let left = 30_000;
    const { invoke, visibility, applied } = harness(
      (m) => {
        left = 7_000;
        return m.aggregateId === 'never' ? new Error('unreachable') : undefined;
      },
      { remainingMs: () => left },
    );
    const response = await invoke([
      record('m1', 'o1', JSON.stringify(event('o1', 1))),
      record('m2', 'o2', JSON.stringify(event('o2', 2))),
    ]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(applied).toEqual(['o1']);
    expect(visibility[0]?.Entries).toEqual([{ Id: '1', ReceiptHandle: 'rh-m2', VisibilityTimeout: 1 }]);
  });

  it('keeps back at most half of a short invocation, so a 4 s function still does its work', async () => {
    const { invoke, applied } = harness(() => undefined, { remainingMs: () => 4_000 });
    const response = await invoke([record('m1', 'o1', JSON.stringify(event('o1', 1)))]);
    expect(response.batchItemFailures).toEqual([]);
    expect(applied).toEqual(['o1']);
  });

  it('keeps a message it could not quarantine, for a retry', async () => {
    const failing = fifoConsumer(async () => 'applied', {
      settings,
      sqs: {
        send: async () => {
          throw new Error('DLQ down');
        },
      } as never,
      breaker: healthyBreaker(),
    });
    const response = await failing(
      { Records: [record('m1', 'bad', 'not json')] } as SQSEvent,
      { getRemainingTimeInMillis: () => 30_000 } as Context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});
