import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { peek, queueDepth } from '../../tools/dlq/dlq.ts';
import type { FaultRecord } from '../kit/faults.ts';
import type { AcceptedOrder } from '../kit/load.ts';
import { type Evidence, lostEvents, type OutboxEvent, terminalStates } from './invariants.ts';

/** Orders by state at one moment (seconds since the load started); states absent when Postgres did not answer. */
export interface StateSample {
  t: number;
  counts: Record<string, number> | undefined;
}

/** The DLQ and failure queues the verdict requires empty, by stack output. */
const failureQueues = {
  payment: 'PaymentDlqUrl',
  inventory: 'InventoryDlqUrl',
  notification: 'NotificationDlqUrl',
  router: 'RouterFailureQueueUrl',
  orderView: 'OrderViewFailureQueueUrl',
} as const;

/**
 * One query on a connection of its own, bounded: while Postgres is down or frozen the drill's own reads must fail
 * fast (undefined) instead of hanging or crashing the run with an unhandled socket error.
 */
export async function queryOnce<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[] | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000, query_timeout: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query<R>(sql, params)).rows;
  } catch {
    return undefined;
  } finally {
    client.end().catch(() => {});
  }
}

/** Samples the customer's orders by state every `everyMs` until `stop` is aborted. */
export async function sampleStates(
  url: string,
  customerId: string,
  startedAt: number,
  everyMs: number,
  stop: AbortSignal,
): Promise<StateSample[]> {
  const samples: StateSample[] = [];
  while (!stop.aborted) {
    const t = Math.round((Date.now() - startedAt) / 100) / 10;
    const rows = await queryOnce<{ status: string; n: string }>(
      url,
      'SELECT status, count(*) AS n FROM orders WHERE customer_id = $1 GROUP BY status',
      [customerId],
    );
    samples.push({ t, counts: rows && Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) });
    await sleep(everyMs, undefined, { signal: stop }).catch(() => {});
  }
  return samples;
}

/**
 * Waits until every accepted order is terminal and every consumer has acted on each of their outbox events, or
 * until `deadline`; returns when it stopped waiting.
 */
export async function waitDrained(cloud: LocalCloud, ids: string[], deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    const settled = await queryOnce<{ n: string }>(
      cloud.database.admin,
      'SELECT count(*) AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = ANY($2)',
      [ids, terminalStates],
    );
    if (settled && Number(settled[0]?.n) === ids.length) {
      const outbox = await outboxOf(cloud.database.admin, ids);
      const lost =
        outbox &&
        lostEvents({ outbox, gateway: cloud.paymentGateway.log(), sideEffects: cloud.sideEffects.log() });
      if (lost?.length === 0) break;
    }
    await sleep(2000);
  }
  return Date.now();
}

const outboxOf = (url: string, ids: string[]) =>
  queryOnce<OutboxEvent>(
    url,
    'SELECT event_id::text AS "eventId", event_type AS "eventType", aggregate_id AS "aggregateId" FROM outbox WHERE aggregate_id = ANY($1)',
    [ids],
  );

/** Everything the invariants read, from Postgres, the stand-ins' logs, the queues and the on-call log. */
export async function collectEvidence(
  cloud: LocalCloud,
  accepted: readonly AcceptedOrder[],
  faults: FaultRecord[],
  observedUntil: number,
): Promise<{ evidence: Evidence; dlqReasons: Record<string, number> }> {
  const ids = accepted.map((o) => o.id);
  const rows =
    (await queryOnce<{ id: string; status: string; updated_ms: string }>(
      cloud.database.admin,
      'SELECT id::text, status, (extract(epoch FROM updated_at) * 1000)::bigint AS updated_ms FROM orders WHERE id = ANY($1::uuid[])',
      [ids],
    )) ?? [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const outbox = (await outboxOf(cloud.database.admin, ids)) ?? [];
  const { sqs } = cloud.clients();
  const dlqDepths: Record<string, number> = {};
  for (const [name, outputId] of Object.entries(failureQueues)) {
    const depth = await queueDepth(sqs, cloud.output(outputId));
    dlqDepths[name] = depth.visible + depth.inFlight;
  }
  const dlqReasons: Record<string, number> = {};
  for (const message of await peek(sqs, cloud.output('PaymentDlqUrl'), 20)) {
    const reason = message.quarantine.reason ?? '(moved by the redrive policy, no reason)';
    dlqReasons[reason] = (dlqReasons[reason] ?? 0) + 1;
  }
  const evidence: Evidence = {
    orders: accepted.map((o) => {
      const row = byId.get(o.id);
      const terminal = (terminalStates as readonly string[]).includes(row?.status ?? '');
      return {
        id: o.id,
        acceptedAt: o.acceptedAt,
        status: row?.status,
        settledAt: terminal ? Number(row?.updated_ms) : undefined,
      };
    }),
    faults,
    gateway: cloud.paymentGateway.log(),
    outbox,
    sideEffects: cloud.sideEffects.log(),
    dlqDepths,
    pages: alarmPages(join(cloud.endpoints.logs, 'oncall.jsonl')),
    transitions: alarmTransitions(join(cloud.endpoints.logs, 'oncall.jsonl')),
    observedUntil,
  };
  return { evidence, dlqReasons };
}

/** Every alarm state change in the on-call log (one JSON line per change; other lines have no alarm name). */
export function alarmTransitions(file: string): Array<{ alarmName: string; at: number; to: string }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { alarmName?: string; at: string; to?: string })
    .flatMap((t) =>
      t.alarmName && t.to ? [{ alarmName: t.alarmName, at: Date.parse(t.at), to: t.to }] : [],
    );
}

/** Transitions to ALARM in the on-call log. */
export function alarmPages(file: string): Array<{ alarmName: string; at: number }> {
  return alarmTransitions(file)
    .filter((t) => t.to === 'ALARM')
    .map(({ alarmName, at }) => ({ alarmName, at }));
}
