import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@aws-sdk/client-sqs';
import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { tailStream } from '../kit/tail-stream.ts';
import type { Sample } from './breakdown.ts';
import { now } from './offer.ts';

type Seen = Pick<
  Sample,
  'kinesisSeenAt' | 'kinesisArrivalAt' | 'eventId' | 'queueSentAt' | 'consumerReceivedAt'
>;

/**
 * Stamps each tracked order's sample where the pipeline shows it: its OrderPlaced record in `OrderEvents` (this
 * bench's GetRecords loop) and its payment queue message as the runtime's poller receives it for the consumer.
 * A record can be seen before `placeOrder`'s promise has resolved in this process (the event loop runs the reader's
 * callback first): such sightings wait in `early` until the order is tracked, so they are not counted as missing.
 */
export class PipelineStamps {
  readonly #byOrder = new Map<string, Sample>();
  readonly #early = new Map<string, Seen>();
  /** Orders seen in Kinesis before this process learned they had committed (evidence for the report). */
  seenBeforeTracked = 0;

  /** Every tracked order by id. */
  get orders(): ReadonlyMap<string, Sample> {
    return this.#byOrder;
  }

  track(orderId: string, sample: Sample): void {
    const early = this.#early.get(orderId);
    if (early) {
      this.#early.delete(orderId);
      Object.assign(sample, early);
      if (early.kinesisSeenAt !== undefined) this.seenBeforeTracked++;
    }
    this.#byOrder.set(orderId, sample);
  }

  #stamp(orderId: string, seen: Seen): void {
    const target = this.#byOrder.get(orderId) ?? this.#early.get(orderId) ?? {};
    for (const [k, v] of Object.entries(seen) as Array<[keyof Seen, never]>)
      if (target[k] === undefined && v !== undefined) target[k] = v;
    if (!this.#byOrder.has(orderId)) this.#early.set(orderId, target);
  }

  onRecord = (data: string, arrivalAt: number | undefined): void => {
    const seenAt = now();
    const event = parse(data);
    if (event?.aggregateId && event.eventType === 'OrderPlaced')
      this.#stamp(event.aggregateId, {
        kinesisSeenAt: seenAt,
        kinesisArrivalAt: arrivalAt,
        eventId: event.eventId,
      });
  };

  /** For the local runtime's `onSqsReceive`: only the payment queue's OrderPlaced messages count. */
  onSqsReceive = (paymentQueueUrl: () => string | undefined) => {
    return (queueUrl: string, messages: readonly Message[], receivedAt: number): void => {
      if (queueUrl !== paymentQueueUrl()) return;
      for (const m of messages) {
        const event = parse(m.Body ?? '');
        const sentAt = Number(m.Attributes?.SentTimestamp);
        if (event?.aggregateId && event.eventType === 'OrderPlaced')
          this.#stamp(event.aggregateId, {
            consumerReceivedAt: receivedAt,
            queueSentAt: Number.isFinite(sentAt) ? sentAt : undefined,
          });
      }
    };
  };
}

function parse(data: string): { aggregateId?: string; eventId?: string; eventType?: string } | undefined {
  try {
    return JSON.parse(data) as { aggregateId?: string; eventId?: string; eventType?: string };
  } catch {
    return undefined;
  }
}

/**
 * Stamps `appliedAt` from the order row: `updated_at` once the status left `pending`. That is Postgres's clock at
 * the start of the payment consumer's confirm transaction (after the charge, a few ms before its commit), on the
 * same machine as the bench's clock, so the figure does not depend on how often this loop polls.
 */
function watchApplied(db: SqlClient, samples: () => Iterable<[string, Sample]>) {
  let running = true;
  const loop = async () => {
    while (running) {
      const waiting = [...samples()].filter(
        ([, s]) => s.committedAt !== undefined && s.appliedAt === undefined,
      );
      const byId = new Map(waiting);
      for (let i = 0; i < waiting.length && running; i += 2000) {
        const ids = waiting.slice(i, i + 2000).map(([id]) => id);
        const rows = await db
          .query<{ id: string; status: string; at: number }>(
            `SELECT id::text, status, (extract(epoch FROM updated_at) * 1000)::float8 AS at FROM orders
             WHERE id = ANY(string_to_array(:ids, ',')::uuid[]) AND status <> 'pending'`,
            { ids: ids.join(',') },
          )
          .catch(() => []); // a busy database: ask again next round
        for (const row of rows) {
          const sample = byId.get(row.id);
          if (sample) {
            sample.appliedAt = Number(row.at);
            sample.appliedStatus = row.status;
          }
        }
      }
      await sleep(500);
    }
  };
  const done = loop();
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}

/** The stream tail and the applied poller, stopped together. */
export function watchPipeline(cloud: LocalCloud, db: SqlClient, stamps: PipelineStamps) {
  const stream = tailStream(cloud.aws, cloud.output('OrderEventsStreamName'), stamps.onRecord);
  const applied = watchApplied(db, () => stamps.orders.entries());
  return {
    async stop() {
      await applied.stop();
      await stream.stop();
    },
  };
}
