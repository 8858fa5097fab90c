import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHARGES_PATH } from '../../../lambdas/providers/contract.ts';
import { closeNow, listen } from '../../lib/http.ts';

/**
 * STAND-IN for a payment provider (not a real gateway), speaking the providers' contract (docs/providers.md) that
 * the payment consumer's adapter speaks: `POST /charges` with an `Idempotency-Key` header creates a
 * charge once and answers every retry with the stored response, like Stripe's idempotency keys. Every request is
 * appended to a JSONL request log — the evidence drills use to prove one charge per order. Faults are injected
 * through `POST /_faults`; nothing is charged anywhere.
 */
export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
}

export interface ChargeResponse {
  chargeId: string;
  orderId: string;
  status: 'succeeded' | 'declined';
  amountCents: number;
  currency: string;
}

export interface LogEntry {
  at: string;
  idempotencyKey: string;
  /** `created` made a charge; `replayed` answered with an earlier one; `failed` was an injected error; `hung` was
   *  accepted and never answered (the `hang` fault). */
  result: 'created' | 'replayed' | 'failed' | 'rejected' | 'hung';
  chargeId?: string;
  orderId?: string;
  status?: number;
}

export interface Faults {
  /** Added before answering. Default 0. */
  latencyMs: number;
  /** Share of requests answered 503 before doing anything (0..1). Default 0. */
  errorRate: number;
  /** Charges of these amounts are declined, like a payment sandbox's magic test amounts. Default none. */
  declineAmountsCents: number[];
  /** Charges of these amounts always get HTTP 500 and are never created: a poison order, whose every retry fails
   *  the same way until the fault is cleared. Default none. */
  failAmountsCents: number[];
  /** The provider is down: every charge and look-up is answered 503, nothing is created. Default false. */
  outage: boolean;
  /** The provider hangs: every charge and look-up is accepted and never answered (the socket stays open until the
   *  caller gives up or the stand-in closes), nothing is created. Default false. */
  hang: boolean;
}

export interface PaymentGateway {
  url: string;
  logFile: string;
  log(): LogEntry[];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function validCharge(body: unknown): body is ChargeRequest {
  const b = body as Partial<ChargeRequest>;
  return (
    typeof b.orderId === 'string' &&
    Number.isInteger(b.amountCents) &&
    (b.amountCents ?? 0) > 0 &&
    /^[A-Z]{3}$/.test(b.currency ?? '')
  );
}

/** Starts the stand-in; charges made before a restart are reloaded from the request log's file. */
export async function startPaymentGateway(port: number, logFile: string): Promise<PaymentGateway> {
  const charges = new Map<string, ChargeResponse>();
  if (existsSync(logFile)) {
    for (const line of readFileSync(logFile, 'utf8').split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as LogEntry & { response?: ChargeResponse };
      if (entry.result === 'created' && entry.response) charges.set(entry.idempotencyKey, entry.response);
    }
  }
  let faults: Faults = {
    latencyMs: 0,
    errorRate: 0,
    declineAmountsCents: [],
    failAmountsCents: [],
    outage: false,
    hang: false,
  };
  const record = (entry: LogEntry & { response?: ChargeResponse }) =>
    appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
  const send = (res: import('node:http').ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server: Server = createServer(async (req, res) => {
    try {
      if (req.method === 'POST' && req.url === '/_faults') {
        faults = { ...faults, ...((await readJson(req)) as Partial<Faults>) };
        return send(res, 200, faults);
      }
      if (req.method === 'GET' && req.url === '/_log') return send(res, 200, readLog(logFile));
      const charging = req.url === CHARGES_PATH || req.url?.startsWith(`${CHARGES_PATH}?`);
      if (charging && (faults.hang || faults.outage)) {
        // Look-ups (GET) are not charge attempts, so only POSTs are logged.
        const entry = {
          at: new Date().toISOString(),
          idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
        };
        if (faults.hang) return req.method === 'POST' ? record({ ...entry, result: 'hung' }) : undefined;
        if (req.method === 'POST') record({ ...entry, result: 'failed', status: 503 });
        return send(res, 503, { error: 'unavailable' });
      }
      // The authoritative record by idempotency key (the reconciler's look-up); not logged as a charge attempt.
      if (req.method === 'GET' && req.url?.startsWith(`${CHARGES_PATH}?`)) {
        const lookupKey = new URL(req.url, 'http://gateway').searchParams.get('idempotencyKey') ?? '';
        const found = charges.get(lookupKey);
        return found ? send(res, 200, found) : send(res, 404, { error: 'charge_not_found' });
      }
      if (req.method !== 'POST' || req.url !== CHARGES_PATH) return send(res, 404, { error: 'not_found' });
      const key = req.headers['idempotency-key'];
      const at = new Date().toISOString();
      if (typeof key !== 'string' || key === '') {
        record({ at, idempotencyKey: '', result: 'rejected', status: 400 });
        return send(res, 400, { error: 'idempotency_key_required' });
      }
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (Math.random() < faults.errorRate) {
        record({ at, idempotencyKey: key, result: 'failed', status: 503 });
        return send(res, 503, { error: 'unavailable' });
      }
      const existing = charges.get(key);
      if (existing) {
        record({
          at,
          idempotencyKey: key,
          result: 'replayed',
          chargeId: existing.chargeId,
          orderId: existing.orderId,
          status: 200,
        });
        return send(res, 200, existing);
      }
      const body = await readJson(req);
      if (!validCharge(body)) {
        record({ at, idempotencyKey: key, result: 'rejected', status: 400 });
        return send(res, 400, { error: 'invalid_charge' });
      }
      if (faults.failAmountsCents.includes(body.amountCents)) {
        record({ at, idempotencyKey: key, result: 'failed', orderId: body.orderId, status: 500 });
        return send(res, 500, { error: 'internal_error' });
      }
      const response: ChargeResponse = {
        chargeId: `ch_${randomUUID()}`,
        orderId: body.orderId,
        status: faults.declineAmountsCents.includes(body.amountCents) ? 'declined' : 'succeeded',
        amountCents: body.amountCents,
        currency: body.currency,
      };
      charges.set(key, response);
      record({
        at,
        idempotencyKey: key,
        result: 'created',
        chargeId: response.chargeId,
        orderId: body.orderId,
        status: 201,
        response,
      });
      return send(res, 201, response);
    } catch (error) {
      return send(res, 400, { error: 'bad_request', message: (error as Error).message });
    }
  });
  return {
    url: await listen(server, port),
    logFile,
    log: () => readLog(logFile),
    close: () => closeNow(server),
  };
}

export function readLog(logFile: string): LogEntry[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { response: _response, ...entry } = JSON.parse(line) as LogEntry & { response?: unknown };
      return entry;
    });
}
