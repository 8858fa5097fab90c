import { consumersFor } from '../../lambdas/router/routing.ts';
import type { FaultRecord } from '../kit/faults.ts';

/** Pure checks over what the campaign collected; every timestamp is ms since epoch. */

export const terminalStates = ['confirmed', 'payment_failed', 'cancelled'] as const;

export interface OrderOutcome {
  id: string;
  acceptedAt: number;
  /** Final status in Postgres (undefined: the row is missing). */
  status: string | undefined;
  /** When it reached its terminal state (the row's updated_at), if it did. */
  settledAt: number | undefined;
}

export interface OutboxEvent {
  eventId: string;
  eventType: string;
  aggregateId: string;
}

export interface Evidence {
  orders: OrderOutcome[];
  faults: FaultRecord[];
  /** The gateway's request log: `created` entries are charges. */
  gateway: Array<{ idempotencyKey: string; result: string }>;
  /** The accepted orders' outbox rows. */
  outbox: OutboxEvent[];
  /** The inventory and notification stand-ins' log. */
  sideEffects: Array<{ service: string; eventId: string; result: string }>;
  /** Messages (visible + in flight) in each DLQ and failure queue at the end. */
  dlqDepths: Record<string, number>;
  /** Alarm transitions to ALARM from the on-call log. */
  pages: Array<{ alarmName: string; at: number }>;
  /** Every state change of every alarm, in order (the on-call log), to tell an alarm already in ALARM. */
  transitions: Array<{ alarmName: string; at: number; to: string }>;
  /** When the drill stopped waiting for orders to settle. */
  observedUntil: number;
}

export interface Rules {
  recoveryBoundSeconds: number;
  /** Fault kind → alarm-name fragments; the fault counts as paged when any of them went to ALARM in its window. */
  expectedPages: Record<string, readonly string[]>;
  /** How long after a fault ends its page may still arrive (alarm periods and M-of-N). */
  pageGraceMs: number;
}

/**
 * When the last fault that could hold `order` back cleared: the latest end of a fault that started before the
 * order settled (or before `observedUntil`, if it never did), but no earlier than the order's acceptance.
 */
export function clearedAt(
  order: OrderOutcome,
  faults: readonly FaultRecord[],
  observedUntil: number,
): number {
  const until = order.settledAt ?? observedUntil;
  return Math.max(order.acceptedAt, ...faults.filter((f) => f.start < until).map((f) => f.end));
}

export function recoverySeconds(order: OrderOutcome, faults: readonly FaultRecord[], observedUntil: number) {
  return Math.max(0, ((order.settledAt ?? observedUntil) - clearedAt(order, faults, observedUntil)) / 1000);
}

const isTerminal = (o: OrderOutcome) => (terminalStates as readonly string[]).includes(o.status ?? '');

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/**
 * (event, consumer) pairs no consumer acted on: no gateway request for the order (payment), no side-effect entry for
 * the event (inventory, notification). Read from the stand-ins' logs, so no queue is consumed to tell.
 */
export function lostEvents(evidence: Pick<Evidence, 'outbox' | 'gateway' | 'sideEffects'>) {
  const charged = new Set(evidence.gateway.map((e) => e.idempotencyKey));
  const applied = new Set(evidence.sideEffects.map((e) => `${e.service}|${e.eventId}`));
  const seen = (event: OutboxEvent, consumer: string) =>
    consumer === 'payment' ? charged.has(event.aggregateId) : applied.has(`${consumer}|${event.eventId}`);
  return evidence.outbox.flatMap((event) =>
    consumersFor(event)
      .filter((consumer) => !seen(event, consumer))
      .map((consumer) => ({ eventId: event.eventId, eventType: event.eventType, consumer })),
  );
}

/**
 * Faults whose expected alarm was never in ALARM between the fault's start and its end + grace: it went to ALARM
 * in that window, or was still in ALARM when the fault began (an earlier, overlapping outage had paged and the
 * page had not cleared — on-call is already looking at it).
 */
export function unpagedFaults(evidence: Evidence, rules: Rules): FaultRecord[] {
  return evidence.faults.filter((f) => {
    const expected = rules.expectedPages[f.kind] ?? [];
    if (expected.length === 0) return false;
    const matches = (name: string) => expected.some((fragment) => name.includes(fragment));
    const wentToAlarm = evidence.pages.some(
      (p) => matches(p.alarmName) && p.at >= f.start && p.at <= f.end + rules.pageGraceMs,
    );
    return !wentToAlarm && !alreadyInAlarm(evidence.transitions, matches, f.start);
  });
}

/** Whether an alarm `matches` accepts had ALARM as its last state before `at`. */
function alreadyInAlarm(
  transitions: Evidence['transitions'],
  matches: (name: string) => boolean,
  at: number,
): boolean {
  const last = new Map<string, string>();
  for (const t of transitions) if (t.at < at && matches(t.alarmName)) last.set(t.alarmName, t.to);
  return [...last.values()].includes('ALARM');
}

/** Every metric and check of the campaign's verdict, and the order ids behind each failed one. */
export function judge(evidence: Evidence, rules: Rules) {
  const { orders, faults, observedUntil } = evidence;
  const stuck = orders.filter((o) => !isTerminal(o));
  const recovery = orders.map((o) => recoverySeconds(o, faults, observedUntil));
  const charges = countBy(
    evidence.gateway.filter((e) => e.result === 'created'),
    (e) => e.idempotencyKey,
  );
  const doubleCharged = orders.filter((o) => (charges.get(o.id) ?? 0) > 1);
  const uncharged = orders.filter((o) => o.status === 'confirmed' && !charges.has(o.id));
  const chargedButFailed = orders.filter((o) => o.status === 'payment_failed' && charges.has(o.id));
  const lost = lostEvents(evidence);
  const effects = countBy(
    evidence.sideEffects.filter((e) => e.result === 'created'),
    (e) => `${e.service}|${e.eventId}`,
  );
  const duplicated = [...effects].filter(([, n]) => n > 1);
  const duplicateEffects = duplicated.reduce((n, [, c]) => n + c - 1, 0);
  const dlqMessages = Object.values(evidence.dlqDepths).reduce((a, b) => a + b, 0);
  const unpaged = unpagedFaults(evidence, rules);
  const maxRecoverySeconds = Math.round(Math.max(0, ...recovery) * 10) / 10;
  const metrics = {
    ordersAccepted: orders.length,
    ordersStuck: stuck.length,
    maxRecoverySeconds,
    doubleCharges: doubleCharged.length,
    missingCharges: uncharged.length,
    chargedButFailed: chargedButFailed.length,
    lostEvents: lost.length,
    duplicateEffects,
    dlqMessages,
    manualActions: 0,
    unpagedFaults: unpaged.length,
  };
  const checks = {
    'every accepted order reached a terminal state': stuck.length === 0,
    [`every order settled within ${rules.recoveryBoundSeconds} s of its last fault clearing`]:
      stuck.length === 0 && maxRecoverySeconds <= rules.recoveryBoundSeconds,
    'one charge per confirmed order (none double, none missing)':
      doubleCharged.length === 0 && uncharged.length === 0,
    'no charge for a failed order': chargedButFailed.length === 0,
    'no outbox event lost (each consumer saw each event it is routed)': lost.length === 0,
    'no duplicate effect': duplicateEffects === 0,
    'every DLQ and failure queue empty': dlqMessages === 0,
    'each fault paged the alarm meant for it': unpaged.length === 0,
  };
  return {
    metrics,
    checks,
    passed: Object.values(checks).every(Boolean),
    detail: {
      stuck: stuck.slice(0, 20).map((o) => ({ id: o.id, status: o.status ?? 'missing' })),
      doubleCharged: doubleCharged.map((o) => o.id),
      uncharged: uncharged.map((o) => o.id),
      chargedButFailed: chargedButFailed.map((o) => o.id),
      lost: lost.slice(0, 20),
      duplicated: duplicated.map(([key, n]) => ({ effect: key, times: n })),
      unpaged,
    },
  };
}
