import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { MESSAGES_PATH, RESERVATIONS_PATH } from '../../../lambdas/providers/contract.ts';
import { closeNow, listen } from '../../lib/http.ts';

/**
 * STAND-IN for the inventory consumer's warehouse service and the notification consumer's mail provider (not real
 * services), speaking the providers' contract (docs/providers.md) under two base URLs: `POST
 * /inventory/reservations` and `POST /notifications/messages`. Each request is appended to a JSONL
 * log with the event id it was made for — the evidence drills count side effects per event with. A request with
 * an `Idempotency-Key` it has seen is answered as a replay and causes no new effect (the warehouse behaves like
 * that); without a key (the mail provider) every request is a new effect, so only the consumer's dedupe stands
 * between a duplicate delivery and a second message to the customer.
 */
export type SideEffectService = 'inventory' | 'notification';

export interface SideEffectEntry {
  at: string;
  service: SideEffectService;
  eventId: string;
  orderId: string;
  eventType?: string;
  idempotencyKey?: string;
  /** `created` is an effect; `replayed` answered a repeated key without one. */
  result: 'created' | 'replayed';
}

export interface SideEffects {
  /** Base URL; the consumers get `<url>/inventory` and `<url>/notifications`. */
  url: string;
  inventoryUrl: string;
  notificationUrl: string;
  logFile: string;
  log(): SideEffectEntry[];
  close(): Promise<void>;
}

const routes: Record<string, SideEffectService> = {
  [`/inventory${RESERVATIONS_PATH}`]: 'inventory',
  [`/notifications${MESSAGES_PATH}`]: 'notification',
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

/** Starts the stand-in; keys seen before a restart are reloaded from the log file. */
export async function startSideEffects(port: number, logFile: string): Promise<SideEffects> {
  const seenKeys = new Set(
    readSideEffectLog(logFile).flatMap((e) => (e.idempotencyKey ? [`${e.service}|${e.idempotencyKey}`] : [])),
  );
  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'GET' && req.url === '/_log') return send(res, 200, readSideEffectLog(logFile));
      const service = routes[req.url ?? ''];
      if (req.method !== 'POST' || !service) return send(res, 404, { error: 'not_found' });
      const body = await readJson(req);
      const eventId = body.eventId;
      const orderId = body.orderId;
      if (typeof eventId !== 'string' || typeof orderId !== 'string')
        return send(res, 400, { error: 'eventId and orderId are required' });
      const header = req.headers['idempotency-key'];
      const idempotencyKey = typeof header === 'string' && header !== '' ? header : undefined;
      const seen = idempotencyKey !== undefined && seenKeys.has(`${service}|${idempotencyKey}`);
      if (idempotencyKey !== undefined) seenKeys.add(`${service}|${idempotencyKey}`);
      const entry: SideEffectEntry = {
        at: new Date().toISOString(),
        service,
        eventId,
        orderId,
        ...(typeof body.eventType === 'string' ? { eventType: body.eventType } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
        result: seen ? 'replayed' : 'created',
      };
      appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
      return send(res, seen ? 200 : 201, { result: entry.result });
    } catch (error) {
      return send(res, 400, { error: 'bad_request', message: (error as Error).message });
    }
  });
  const url = await listen(server, port);
  return {
    url,
    inventoryUrl: `${url}/inventory`,
    notificationUrl: `${url}/notifications`,
    logFile,
    log: () => readSideEffectLog(logFile),
    close: () => closeNow(server),
  };
}

export function readSideEffectLog(logFile: string): SideEffectEntry[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SideEffectEntry);
}
