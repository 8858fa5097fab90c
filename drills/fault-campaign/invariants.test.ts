import { describe, expect, it } from 'vitest';
import { clearedAt, type Evidence, judge, type Rules } from './invariants.ts';

const rules: Rules = {
  recoveryBoundSeconds: 300,
  expectedPages: {
    'gateway-outage': ['DependencyDown'],
    'gateway-hang': ['DependencyDown'],
    'lambda-kill': [],
  },
  pageGraceMs: 60_000,
};

/** A clean campaign of one confirmed order: charged once, every consumer saw OrderPlaced and OrderConfirmed. */
function clean(): Evidence {
  return {
    orders: [{ id: 'o1', acceptedAt: 1_000, status: 'confirmed', settledAt: 200_000 }],
    faults: [{ kind: 'gateway-outage', target: 'payment gateway', start: 500, end: 180_000 }],
    gateway: [
      { idempotencyKey: 'o1', result: 'failed' },
      { idempotencyKey: 'o1', result: 'created' },
    ],
    outbox: [
      { eventId: 'e1', eventType: 'OrderPlaced', aggregateId: 'o1' },
      { eventId: 'e2', eventType: 'OrderConfirmed', aggregateId: 'o1' },
    ],
    sideEffects: [
      { service: 'inventory', eventId: 'e1', result: 'created' },
      { service: 'notification', eventId: 'e1', result: 'created' },
      { service: 'notification', eventId: 'e2', result: 'created' },
    ],
    dlqDepths: { payment: 0, inventory: 0 },
    pages: [{ alarmName: 'holdline-DependencyDown-payment', at: 60_000 }],
    transitions: [{ alarmName: 'holdline-DependencyDown-payment', at: 60_000, to: 'ALARM' }],
    observedUntil: 500_000,
  };
}

describe('fault campaign invariants', () => {
  it('passes a campaign where everything recovered', () => {
    const verdict = judge(clean(), rules);
    expect(verdict.passed).toBe(true);
    expect(verdict.metrics).toMatchObject({ ordersAccepted: 1, ordersStuck: 0, maxRecoverySeconds: 20 });
  });

  it('measures recovery from the end of the last fault that started before the order settled', () => {
    const order = { id: 'o', acceptedAt: 10, status: 'confirmed', settledAt: 100 };
    const faults = [
      { kind: 'a', target: 't', start: 0, end: 50 },
      { kind: 'b', target: 't', start: 200, end: 300 },
    ];
    expect(clearedAt(order, faults, 1_000)).toBe(50);
    expect(clearedAt({ ...order, settledAt: undefined }, faults, 1_000)).toBe(300);
  });

  it('fails an order left pending, as stuck and past the recovery bound', () => {
    const evidence = clean();
    evidence.orders = [{ id: 'o1', acceptedAt: 1_000, status: 'pending', settledAt: undefined }];
    const verdict = judge(evidence, rules);
    expect(verdict.passed).toBe(false);
    expect(verdict.metrics.ordersStuck).toBe(1);
    expect(verdict.metrics.maxRecoverySeconds).toBe(320);
  });

  it('counts a second charge, a confirmed order without one and a charged failed order', () => {
    const evidence = clean();
    evidence.gateway.push({ idempotencyKey: 'o1', result: 'created' });
    expect(judge(evidence, rules).metrics.doubleCharges).toBe(1);
    evidence.gateway = [];
    expect(judge(evidence, rules).metrics.missingCharges).toBe(1);
    evidence.gateway = [{ idempotencyKey: 'o1', result: 'created' }];
    evidence.orders[0]!.status = 'payment_failed';
    expect(judge(evidence, rules).metrics.chargedButFailed).toBe(1);
  });

  it('counts an event a consumer never applied as lost, and a repeated effect as a duplicate', () => {
    const evidence = clean();
    evidence.sideEffects = evidence.sideEffects.filter((e) => e.eventId !== 'e2');
    evidence.sideEffects.push({ service: 'inventory', eventId: 'e1', result: 'created' });
    const verdict = judge(evidence, rules);
    expect(verdict.metrics).toMatchObject({ lostEvents: 1, duplicateEffects: 1 });
    expect(verdict.detail.lost).toEqual([
      { eventId: 'e2', eventType: 'OrderConfirmed', consumer: 'notification' },
    ]);
  });

  it('fails on a message in any DLQ', () => {
    const evidence = clean();
    evidence.dlqDepths.payment = 2;
    expect(judge(evidence, rules)).toMatchObject({ passed: false, metrics: { dlqMessages: 2 } });
  });

  it('fails a fault whose alarm did not page inside its window, and ignores kinds with no expectation', () => {
    const evidence = clean();
    evidence.pages = [{ alarmName: 'holdline-DependencyDown-payment', at: 400_000 }];
    evidence.transitions = [{ alarmName: 'holdline-DependencyDown-payment', at: 400_000, to: 'ALARM' }];
    evidence.faults.push({ kind: 'lambda-kill', target: 'Payment', start: 5, end: 5 });
    const verdict = judge(evidence, rules);
    expect(verdict.metrics.unpagedFaults).toBe(1);
    expect(verdict.detail.unpaged.map((f) => f.kind)).toEqual(['gateway-outage']);
  });

  it('counts a fault as paged when its alarm was still in ALARM from an overlapping fault that paged first', () => {
    const evidence = clean();
    evidence.faults.push({ kind: 'gateway-hang', target: 'payment gateway', start: 180_000, end: 300_000 });
    expect(judge(evidence, rules).metrics.unpagedFaults).toBe(0);
    evidence.transitions.push({ alarmName: 'holdline-DependencyDown-payment', at: 170_000, to: 'OK' });
    expect(judge(evidence, rules).detail.unpaged.map((f) => f.kind)).toEqual(['gateway-hang']);
  });
});
