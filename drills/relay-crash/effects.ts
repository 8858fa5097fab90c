import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { parseOutboxRecord } from '../../lambdas/router/envelope.ts';
import { consumersFor } from '../../lambdas/router/routing.ts';
import { CONSUMERS } from '../../lambdas/shared/consumers.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { LogEntry } from '../../localstack/stand-ins/payment-gateway/server.ts';
import type { SideEffectEntry } from '../../localstack/stand-ins/side-effects/server.ts';
import { functionLogLines } from '../kit/drill-cloud.ts';

type ConsumerName = (typeof CONSUMERS)[number];

export interface EventRow {
  event_id: string;
  aggregate_id: string;
  event_type: string;
}

export function eventIdOf(data: string): string | undefined {
  const parsed = parseOutboxRecord(data);
  return parsed.kind === 'event' ? parsed.event.eventId : undefined;
}

/** The stand-ins' request logs as they are now. */
export function effectLogs(cloud: LocalCloud) {
  return { charges: cloud.paymentGateway.log(), sideEffects: cloud.sideEffects.log() };
}

/**
 * Side effects per event from the stand-ins' request logs: payment = a charge `created` for the order (OrderPlaced);
 * inventory = a reservation `created` for the order (OrderPlaced); notification = a message for the event (no
 * idempotency key there, so every request is an effect). `missing` = routed but no effect; `duplicates` = > 1.
 */
export function effects(logs: { charges: LogEntry[]; sideEffects: SideEffectEntry[] }, events: EventRow[]) {
  const charges = new Map<string, number>();
  for (const e of logs.charges)
    if (e.result === 'created') charges.set(e.idempotencyKey, (charges.get(e.idempotencyKey) ?? 0) + 1);
  const reservations = new Map<string, number>();
  const messages = new Map<string, number>();
  for (const e of logs.sideEffects) {
    if (e.result !== 'created') continue;
    if (e.service === 'inventory') reservations.set(e.orderId, (reservations.get(e.orderId) ?? 0) + 1);
    else messages.set(e.eventId, (messages.get(e.eventId) ?? 0) + 1);
  }
  const missing: Array<{ eventId: string; consumer: ConsumerName }> = [];
  const duplicates: Array<{ eventId: string; consumer: ConsumerName; effects: number }> = [];
  let effectCount = 0;
  for (const e of events) {
    for (const consumer of consumersFor({ eventId: e.event_id, eventType: e.event_type })) {
      const n =
        consumer === 'payment'
          ? (charges.get(e.aggregate_id) ?? 0)
          : consumer === 'inventory'
            ? (reservations.get(e.aggregate_id) ?? 0)
            : (messages.get(e.event_id) ?? 0);
      effectCount += n;
      if (n === 0) missing.push({ eventId: e.event_id, consumer });
      if (n > 1) duplicates.push({ eventId: e.event_id, consumer, effects: n });
    }
  }
  return { missing, duplicates, effectCount };
}

/** Per consumer: deliveries of our events (applied + answered from the record); repeats reached the consumer. */
export function consumerDeliveries(cloud: LocalCloud, eventIds: Set<string>) {
  const perConsumer: Record<string, { applied: number; absorbed: number }> = {};
  let repeated = 0;
  let absorbed = 0;
  for (const consumer of CONSUMERS) {
    const id = functionIdByEntry(cloud.template, `lambdas/consumers/${consumer}/handler.ts`);
    let text = '';
    try {
      text = readFileSync(join(cloud.endpoints.logs, `lambda-${id}.log`), 'utf8');
    } catch {}
    const lines = functionLogLines(text, ['event applied', 'duplicate absorbed']).filter((l) =>
      eventIds.has(String(l.eventId)),
    );
    const seen = new Map<string, number>();
    for (const l of lines) seen.set(String(l.eventId), (seen.get(String(l.eventId)) ?? 0) + 1);
    repeated += [...seen.values()].reduce((n, c) => n + c - 1, 0);
    const consumerAbsorbed = lines.filter((l) => l.message === 'duplicate absorbed').length;
    absorbed += consumerAbsorbed;
    perConsumer[consumer] = { applied: lines.length - consumerAbsorbed, absorbed: consumerAbsorbed };
  }
  return { perConsumer, repeated, absorbed };
}
