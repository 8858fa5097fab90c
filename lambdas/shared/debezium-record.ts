import { z } from 'zod';

// Exactly Debezium's heartbeat value and nothing else: a record that merely lost a field (say, after a config
// change) must fail loudly, not be acknowledged as a heartbeat and silently dropped.
const heartbeatSchema = z.strictObject({ ts_ms: z.number().int() });

/** At most this many zod issues go into a reason: enough to fix the producer, short enough for a log line. */
const maxIssues = 5;

export type RawDebeziumRecord =
  | { kind: 'json'; json: unknown }
  | { kind: 'heartbeat' }
  | { kind: 'invalid'; reason: string };

/** First step of reading a Debezium Kinesis record: JSON or not, heartbeat or not. Never throws. */
export function readDebeziumRecord(data: string): RawDebeziumRecord {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: 'invalid', reason: 'data is not JSON' };
  }
  return heartbeatSchema.safeParse(json).success ? { kind: 'heartbeat' } : { kind: 'json', json };
}

/** A zod error as one line: the first few issues with their paths, and how many more there were. */
export function describeIssues(error: z.ZodError): string {
  const issues = error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'data'}: ${issue.message}`,
  );
  const more = issues.length > maxIssues ? `; …${issues.length - maxIssues} more` : '';
  return issues.slice(0, maxIssues).join('; ') + more;
}
