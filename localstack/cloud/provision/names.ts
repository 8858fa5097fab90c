import { createHash } from 'node:crypto';

/** Name limits AWS enforces, per resource type, including any `.fifo` suffix. */
export const nameLimits = {
  'AWS::SQS::Queue': 80,
  'AWS::SNS::Topic': 256,
  'AWS::Kinesis::Stream': 128,
  'AWS::DynamoDB::Table': 255,
  'AWS::Lambda::Function': 64,
  'AWS::Events::Rule': 64,
  'AWS::Scheduler::Schedule': 64,
  'AWS::S3::Bucket': 63,
} as const satisfies Record<string, number>;

/** Types whose names AWS accepts in lower case only (S3 bucket names: lower-case letters, digits, `-`). */
const lowerCaseTypes = new Set(['AWS::S3::Bucket']);

/** Longest name for a type without a documented limit here. */
const defaultLimit = 128;

/**
 * The deterministic local physical name `<stack>-<logicalId>[.fifo]`, stripped to the characters every service
 * accepts (letters, digits, `-`, `_`; lower case and no `_` for S3 buckets). When that is too long, the tail is replaced by a short hash of the full name,
 * so two long logical ids never collide.
 */
export function localName(stackName: string, logicalId: string, type: string, fifo = false): string {
  const limit = (nameLimits as Record<string, number>)[type] ?? defaultLimit;
  const suffix = fifo ? '.fifo' : '';
  const raw = `${stackName}-${logicalId}`;
  const base = lowerCaseTypes.has(type)
    ? raw.toLowerCase().replace(/[^a-z0-9-]/g, '-')
    : raw.replace(/[^A-Za-z0-9_-]/g, '-');
  if (base.length + suffix.length <= limit) return base + suffix;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${base.slice(0, limit - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}
