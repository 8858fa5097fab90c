import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderFromViewItem } from '../../lambdas/api/order-list.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import type { QuarantinedStreamRecord } from '../../lambdas/shared/stream-quarantine.ts';
import { readStreamUntil } from '../../localstack/cloud/debezium/stream-reader.ts';
import { currentItems } from '../cdc-view/view.ts';
import type { PublishedEvent } from './event-diff.ts';
import type { WrittenOrder } from './order-writer.ts';

/**
 * Every event published for `orderIds` on `OrderEvents` (read from TRIM_HORIZON), once `perOrder` of each arrived
 * or `timeoutMs` passed. Heartbeats and other orders' events are skipped.
 */
export async function publishedEvents(
  access: AwsAccess,
  streamName: string,
  orderIds: ReadonlySet<string>,
  perOrder: number,
  timeoutMs: number,
): Promise<Map<string, PublishedEvent[]>> {
  const collect = (records: readonly { data: string }[]) => {
    const byOrder = new Map<string, PublishedEvent[]>();
    for (const record of records) {
      const json = JSON.parse(record.data) as Record<string, unknown>;
      if (typeof json.aggregateId !== 'string' || !orderIds.has(json.aggregateId)) continue;
      const event = { ...json, payload: JSON.parse(String(json.payload)) } as PublishedEvent;
      byOrder.set(event.aggregateId, [...(byOrder.get(event.aggregateId) ?? []), event]);
    }
    return byOrder;
  };
  const records = await readStreamUntil(
    access,
    streamName,
    (read) => {
      const byOrder = collect(read);
      return [...orderIds].every((id) => (byOrder.get(id)?.length ?? 0) >= perOrder);
    },
    timeoutMs,
  );
  return collect(records);
}

/** Reasons the order view quarantined records for, by order id (the record's partition key). */
export class QuarantineLog {
  readonly byOrder = new Map<string, string[]>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Takes whatever the failure queue holds now (and deletes it: the drill keeps the copy). */
  async drain(): Promise<void> {
    while (true) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) return;
      for (const message of messages) {
        const body = JSON.parse(message.Body ?? '{}') as QuarantinedStreamRecord;
        const orderId = body.record?.partitionKey ?? '';
        this.byOrder.set(orderId, [...(this.byOrder.get(orderId) ?? []), body.reason]);
      }
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
}

/** What the order view did with one order's two changes (placed, confirmed). */
export type OrderViewResult =
  /** The view shows the order as the source has it. */
  | 'correct'
  /** A change was refused into the failure queue with its reason; the view holds nothing newer than it should. */
  | 'quarantined'
  /** The view shows something the source never had. */
  | 'wrong'
  /** Neither shown nor quarantined in time. */
  | 'missing';

export interface ViewCheck {
  orderId: string;
  result: OrderViewResult;
  reasons: string[];
  mismatch?: string[];
}

/**
 * Polls the view and the failure queue until each order's two changes are accounted for (shown at version 2, or
 * quarantined), or `timeoutMs` passes; then judges each order against what the app wrote.
 */
export async function checkView(
  doc: DynamoDBDocumentClient,
  tableName: string,
  quarantine: QuarantineLog,
  orders: readonly WrittenOrder[],
  timeoutMs: number,
): Promise<ViewCheck[]> {
  const ids = orders.map((o) => o.id);
  const deadline = Date.now() + timeoutMs;
  let items = new Map<string, Record<string, unknown>>();
  while (true) {
    await quarantine.drain();
    items = await currentItems(doc, tableName, ids);
    const settled = orders.every((o) => {
      const item = items.get(o.id);
      const quarantined = quarantine.byOrder.get(o.id)?.length ?? 0;
      return (
        Number(item?.version) >= o.version || quarantined + (item ? Number(item.version) : 0) >= o.version
      );
    });
    if (settled || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return orders.map((order) => judge(order, items.get(order.id), quarantine.byOrder.get(order.id) ?? []));
}

/** One order: the view item compared with the order the app wrote (at whichever version the view holds). */
export function judge(
  order: WrittenOrder,
  item: Record<string, unknown> | undefined,
  reasons: string[],
): ViewCheck {
  const base = { orderId: order.id, reasons };
  if (item !== undefined) {
    const mismatch = viewMismatch(order, item);
    if (mismatch.length > 0) return { ...base, result: 'wrong', mismatch };
    if (Number(item.version) >= order.version) return { ...base, result: 'correct' };
  }
  return { ...base, result: reasons.length > 0 ? 'quarantined' : 'missing' };
}

/** Fields of the view item that disagree with the order (status and version only when the item is at its version). */
function viewMismatch(order: WrittenOrder, item: Record<string, unknown>): string[] {
  let shown: ReturnType<typeof orderFromViewItem>;
  try {
    shown = orderFromViewItem(item);
  } catch (error) {
    return [`unreadable: ${(error as Error).message}`];
  }
  const expected: Record<string, unknown> = {
    customerId: order.customerId,
    currency: order.currency,
    totalCents: order.totalCents,
    items: JSON.stringify(
      order.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    ),
  };
  const actual: Record<string, unknown> = {
    customerId: shown.customerId,
    currency: shown.currency,
    totalCents: shown.totalCents,
    items: JSON.stringify(
      (shown.items ?? []).map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    ),
  };
  if (shown.version >= order.version) {
    expected.status = order.status;
    actual.status = shown.status;
  }
  return Object.keys(expected)
    .filter((key) => expected[key] !== actual[key])
    .map((key) => `${key}: view ${String(actual[key])} ≠ source ${String(expected[key])}`);
}

/** A stage's verdict from its orders' results: a wrong view or a silent gap is a failure, whatever else held. */
export type ViewOutcome = 'kept-working' | 'failed-loudly' | 'wrong-view' | 'silent-gap';

export function viewOutcome(checks: readonly ViewCheck[]): ViewOutcome {
  if (checks.some((c) => c.result === 'wrong')) return 'wrong-view';
  if (checks.some((c) => c.result === 'missing')) return 'silent-gap';
  if (checks.some((c) => c.result === 'quarantined')) return 'failed-loudly';
  return 'kept-working';
}
