import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { badRequest, HttpProblem } from './http-problem.ts';

/** Larger bodies are refused before parsing: 50 items fit in a few KiB. */
export const maxBodyBytes = 16 * 1024;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Header lookup that does not depend on the gateway's casing. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Content type, size and JSON syntax, each failure a 4xx saying which; then the schema, if given. */
export function parseJsonBody(event: APIGatewayProxyEventV2): unknown;
export function parseJsonBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S>;
export function parseJsonBody(event: APIGatewayProxyEventV2, schema?: z.ZodType): unknown {
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType))
    throw new HttpProblem(415, 'unsupported_media_type', 'send the order as application/json');
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw) > maxBodyBytes)
    throw new HttpProblem(413, 'body_too_large', `the body must be at most ${maxBodyBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new HttpProblem(400, 'malformed_json', 'the body is not valid JSON', undefined, { cause: error });
  }
  return schema ? validateBody(json, schema) : json;
}

/** The schema's verdict on parsed JSON: the value, or a 400 listing every field path at fault. */
export function validateBody<S extends z.ZodType>(json: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      code: issue.code,
      message: issue.message,
    }));
    throw badRequest('invalid_request', 'the body does not describe a valid order', issues);
  }
  return parsed.data;
}

export function uuidPathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value || !uuidPattern.test(value)) throw badRequest(`invalid_${name}`, `${name} must be a UUID`);
  return value.toLowerCase();
}

/** An optional `Idempotency-Key` header: printable ASCII, at most 255 characters. */
export function idempotencyKey(event: APIGatewayProxyEventV2): string | undefined {
  const key = header(event, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key))
    throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1-255 printable ASCII characters');
  return key;
}
