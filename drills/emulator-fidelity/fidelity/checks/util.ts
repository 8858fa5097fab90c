import { setTimeout as sleep } from 'node:timers/promises';
import type { Check, CheckContext, CheckOutcome } from '../types.ts';

export { sleep };

/**
 * SDK v3 client settings for an emulator: static test credentials, one attempt (a retry would hide what the
 * emulator did and stretch timing measurements).
 */
export function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
}

export const pass = (detail: string, ms?: number): CheckOutcome => ({ outcome: 'pass', detail, ms });
export const fail = (detail: string, ms?: number): CheckOutcome => ({ outcome: 'fail', detail, ms });
export const unsupported = (detail: string): CheckOutcome => ({ outcome: 'unsupported', detail });

/** HTTP status of a failed SDK call, when the SDK kept the raw response. */
function statusOf(error: Error): number | undefined {
  const raw = (error as { $response?: { statusCode?: number }; $metadata?: { httpStatusCode?: number } })
    .$response;
  return raw?.statusCode ?? (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** An HTML page instead of an AWS error document: the emulator has no handler for the action. */
function isHtmlAnswer(error: Error): boolean {
  return /Unexpected token '<'|<!doctype|<html/i.test(error.message);
}

/** Short description of a thrown value: SDK errors carry their AWS error code as `name`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  if (isHtmlAnswer(error))
    return `HTTP ${statusOf(error) ?? '?'} with an HTML page instead of an AWS error (no handler)`;
  return `${error.name}: ${error.message}`.replace(/\s+/g, ' ').slice(0, 200);
}

/**
 * Error codes emulators use for "this API is not implemented". The probe maps them to `unsupported`, which is
 * a different finding from an implemented API behaving wrongly.
 */
const unsupportedCodes = new Set([
  'UnknownOperationException',
  'InvalidAction',
  'NotImplemented',
  'NotImplementedException',
  'UnsupportedOperation',
  'UnsupportedOperationException',
]);

export function isUnsupported(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (unsupportedCodes.has(error.name)) return true;
  const status = statusOf(error);
  if (status === 404 || status === 501 || isHtmlAnswer(error)) return true;
  // moto answers unimplemented actions with a 500 whose body says so; others 404/501 with no code.
  return /not (yet )?implemented|unknown operation|is not supported|NotImplementedError/i.test(error.message);
}

/** Runs `fn` and returns the error it threw, or undefined; for checks whose pass condition is a rejection. */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Polls until `fn` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}

/**
 * A factory of checks that each get their own client(s), destroyed after the check, so one emulator bug cannot
 * cascade into the next check.
 */
export function withClient<C extends { destroy(): void }>(makeClient: (ctx: CheckContext) => C) {
  return (
    id: string,
    title: string,
    body: (client: C, ctx: CheckContext) => Promise<CheckOutcome>,
    critical = false,
  ): Check => ({
    id,
    title,
    critical,
    async run(ctx) {
      const client = makeClient(ctx);
      try {
        return await body(client, ctx);
      } finally {
        client.destroy();
      }
    },
  });
}
