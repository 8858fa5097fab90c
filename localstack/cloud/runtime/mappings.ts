import { asRecord, type CfnTemplate, resourcesOfType } from '../../../cdk/lib/template.ts';
import type { Provisioned, ProvisionedResource } from '../provision/index.ts';
import { RuntimeConfigError } from './errors.ts';
import type { FunctionSpec } from './functions.ts';

interface MappingBase {
  logicalId: string;
  functionId: string;
  enabled: boolean;
  batchSize: number;
  batchingWindowSec: number;
  reportBatchItemFailures: boolean;
  /** Settings present in the template that the local runtime does not honour, to print. */
  unsupported: string[];
}

export interface SqsMapping extends MappingBase {
  kind: 'sqs';
  queueUrl: string;
  queueArn: string;
  fifo: boolean;
  /** ScalingConfig.MaximumConcurrency, if set: caps the pollers. */
  maxConcurrency?: number;
}

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

/** Where discarded Kinesis batches are reported: a standard SQS queue or a standard SNS topic. */
export type OnFailureTarget = { kind: 'sqs'; arn: string; queueUrl: string } | { kind: 'sns'; arn: string };

export interface KinesisMapping extends MappingBase {
  kind: 'kinesis';
  streamName: string;
  streamArn: string;
  startingPosition: StartingPosition;
  startingTimestamp?: Date;
  bisect: boolean;
  /** MaximumRetryAttempts; −1 = retry until the record expires (AWS default). */
  maxRetries: number;
  /** MaximumRecordAgeInSeconds; −1 = no limit (AWS default). */
  maxRecordAgeSec: number;
  onFailure?: OnFailureTarget;
}

export type MappingSpec = SqsMapping | KinesisMapping;

export interface MappingScan {
  mappings: MappingSpec[];
  /** Mappings the runtime cannot serve (e.g. DynamoDB Streams sources), with the reason. */
  ignored: string[];
}

/** Reads every AWS::Lambda::EventSourceMapping and ties it to a local function and a provisioned source. */
export function readMappings(
  template: CfnTemplate,
  provisioned: Provisioned,
  functions: FunctionSpec[],
): MappingScan {
  const mappings: MappingSpec[] = [];
  const ignored: string[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    if (provisioned.resources[logicalId] === undefined) continue; // its Condition was false
    const props = asRecord(provisioned.resolve(resource.Properties ?? {})) ?? {};
    const fn = findFunction(logicalId, String(props.FunctionName), functions);
    const sourceArn = String(props.EventSourceArn);
    const source = Object.entries(provisioned.resources).find(([, r]) => r.attrs.Arn === sourceArn);
    const base = baseOf(logicalId, fn.logicalId, props);
    if (source?.[1].type === 'AWS::SQS::Queue') {
      mappings.push(sqsMapping(base, source[1], props));
    } else if (source?.[1].type === 'AWS::Kinesis::Stream') {
      mappings.push(kinesisMapping(base, source[1], props, provisioned));
    } else if (Object.values(provisioned.resources).some((r) => r.attrs.StreamArn === sourceArn)) {
      ignored.push(`${logicalId}: DynamoDB Streams sources are not run locally`);
    } else {
      throw new RuntimeConfigError(
        logicalId,
        `event source ${sourceArn} is not a provisioned queue or stream`,
      );
    }
  }
  return { mappings, ignored };
}

function findFunction(logicalId: string, name: string, functions: FunctionSpec[]): FunctionSpec {
  // FunctionName may be a name, an ARN, or either with a :qualifier.
  const fn = functions.find(
    (f) => [f.name, f.arn].includes(name) || name.startsWith(`${f.arn}:`) || name.startsWith(`${f.name}:`),
  );
  if (fn === undefined) throw new RuntimeConfigError(logicalId, `function ${name} is not a local function`);
  return fn;
}

function baseOf(logicalId: string, functionId: string, props: Record<string, unknown>): MappingBase {
  const unsupported: string[] = [];
  if (props.FilterCriteria !== undefined) unsupported.push('FilterCriteria (every record is delivered)');
  if (props.TumblingWindowInSeconds !== undefined) unsupported.push('TumblingWindowInSeconds');
  const responseTypes = Array.isArray(props.FunctionResponseTypes) ? props.FunctionResponseTypes : [];
  return {
    logicalId,
    functionId,
    enabled: props.Enabled === undefined || props.Enabled === true || props.Enabled === 'true',
    batchSize: Number(props.BatchSize ?? 0),
    batchingWindowSec: Number(props.MaximumBatchingWindowInSeconds ?? 0),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    unsupported,
  };
}

function sqsMapping(
  base: MappingBase,
  queue: ProvisionedResource,
  props: Record<string, unknown>,
): SqsMapping {
  const queueArn = queue.attrs.Arn ?? '';
  const fifo = queueArn.endsWith('.fifo');
  let batchSize = base.batchSize || 10;
  let batchingWindowSec = base.batchingWindowSec;
  if (fifo && batchSize > 10) {
    base.unsupported.push(`BatchSize ${batchSize} (FIFO maximum is 10; using 10)`);
    batchSize = 10;
  }
  if (fifo && batchingWindowSec > 0) {
    base.unsupported.push('MaximumBatchingWindowInSeconds (not supported for FIFO queues; ignored)');
    batchingWindowSec = 0;
  }
  const maxConcurrency = asRecord(props.ScalingConfig)?.MaximumConcurrency;
  return {
    ...base,
    kind: 'sqs',
    batchSize,
    batchingWindowSec,
    queueUrl: queue.ref,
    queueArn,
    fifo,
    ...(maxConcurrency === undefined ? {} : { maxConcurrency: Number(maxConcurrency) }),
  };
}

function kinesisMapping(
  base: MappingBase,
  stream: ProvisionedResource,
  props: Record<string, unknown>,
  provisioned: Provisioned,
): KinesisMapping {
  const position = props.StartingPosition;
  if (position !== 'TRIM_HORIZON' && position !== 'LATEST' && position !== 'AT_TIMESTAMP') {
    throw new RuntimeConfigError(
      base.logicalId,
      `StartingPosition ${String(position)} is not valid for Kinesis`,
    );
  }
  if (Number(props.ParallelizationFactor ?? 1) > 1) {
    base.unsupported.push(
      `ParallelizationFactor ${props.ParallelizationFactor} (one batch per shard at a time)`,
    );
  }
  const destination = asRecord(asRecord(props.DestinationConfig)?.OnFailure)?.Destination;
  const onFailure =
    destination === undefined ? undefined : onFailureTarget(base.logicalId, String(destination), provisioned);
  return {
    ...base,
    kind: 'kinesis',
    batchSize: base.batchSize || 100,
    streamName: stream.ref,
    streamArn: stream.attrs.Arn ?? '',
    startingPosition: position,
    ...(props.StartingPositionTimestamp === undefined
      ? {}
      : { startingTimestamp: new Date(Number(props.StartingPositionTimestamp) * 1000) }),
    bisect: props.BisectBatchOnFunctionError === true || props.BisectBatchOnFunctionError === 'true',
    maxRetries: Number(props.MaximumRetryAttempts ?? -1),
    maxRecordAgeSec: Number(props.MaximumRecordAgeInSeconds ?? -1),
    ...(onFailure === undefined ? {} : { onFailure }),
  };
}

function onFailureTarget(logicalId: string, arn: string, provisioned: Provisioned): OnFailureTarget {
  const target = Object.values(provisioned.resources).find((r) => r.attrs.Arn === arn || r.ref === arn);
  // Lambda accepts only standard queues and topics as on-failure destinations.
  if (arn.endsWith('.fifo'))
    throw new RuntimeConfigError(logicalId, `on-failure destination ${arn} must not be FIFO`);
  if (target?.type === 'AWS::SQS::Queue') return { kind: 'sqs', arn, queueUrl: target.ref };
  if (target?.type === 'AWS::SNS::Topic') return { kind: 'sns', arn };
  throw new RuntimeConfigError(
    logicalId,
    `on-failure destination ${arn} is not a provisioned queue or topic`,
  );
}
