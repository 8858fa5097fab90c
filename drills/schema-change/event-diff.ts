/**
 * One `OrderEvents` record as other teams receive it: every field Debezium's outbox router wrote, `payload` parsed
 * from its JSON text. Compared whole, not through the router's schema, so a field that schema would drop still counts.
 */
export type PublishedEvent = Record<string, unknown> & {
  aggregateId: string;
  eventType: string;
  payload: Record<string, unknown>;
};

/** Fields that differ between two placements of one logical order by design: its ids and its timestamps. */
const volatileEnvelope = ['eventId', 'aggregateId', 'occurredAt'] as const;
const ORDER_ID = '<order id>';

/** An event with its ids and timestamps replaced, so that two placements of one logical order compare equal. */
export function normalizedEvent(event: PublishedEvent): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...event };
  for (const field of volatileEnvelope) delete copy[field];
  const payload = { ...event.payload };
  if (payload.orderId === event.aggregateId) payload.orderId = ORDER_ID;
  copy.payload = payload;
  return copy;
}

export interface FieldDiff {
  path: string;
  golden?: unknown;
  actual?: unknown;
}

/** Every leaf path whose value differs (a missing side counts as a difference). Arrays compare by index. */
export function fieldDiffs(golden: unknown, actual: unknown, path = ''): FieldDiff[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(golden) && isObject(actual) && Array.isArray(golden) === Array.isArray(actual)) {
    const keys = new Set([...Object.keys(golden), ...Object.keys(actual)]);
    return [...keys]
      .sort()
      .flatMap((key) => fieldDiffs(golden[key], actual[key], path ? `${path}.${key}` : key));
  }
  return Object.is(golden, actual) ? [] : [{ path: path || '(root)', golden, actual }];
}

/** The events of one placement of one logical order, by event type. */
export type EventsByType = ReadonlyMap<string, PublishedEvent>;

export interface EventDiff extends FieldDiff {
  stage: string;
  logicalOrder: number;
  eventType: string;
}

/** Differences of one stage's events from the golden ones, logical order by logical order, type by type. */
export function stageEventDiffs(
  stage: string,
  golden: ReadonlyMap<number, EventsByType>,
  actual: ReadonlyMap<number, EventsByType>,
): EventDiff[] {
  const diffs: EventDiff[] = [];
  for (const [logicalOrder, goldenEvents] of golden) {
    const actualEvents = actual.get(logicalOrder);
    const types = new Set([...goldenEvents.keys(), ...(actualEvents?.keys() ?? [])]);
    for (const eventType of [...types].sort()) {
      const g = goldenEvents.get(eventType);
      const a = actualEvents?.get(eventType);
      const found = fieldDiffs(
        g === undefined ? undefined : normalizedEvent(g),
        a === undefined ? undefined : normalizedEvent(a),
      );
      for (const diff of found) diffs.push({ stage, logicalOrder, eventType, ...diff });
    }
  }
  return diffs;
}
