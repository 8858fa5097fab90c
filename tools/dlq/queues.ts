import { existsSync, readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { cloudFile } from '../../localstack/config.ts';

/** The consumers whose queues the tool knows by name (the stack's `<Name>QueueUrl` / `<Name>DlqUrl` outputs). */
export const consumerNames = ['payment', 'inventory', 'notification'] as const;
export type ConsumerName = (typeof consumerNames)[number];

/** The CDK stack name (`cdk/lib/holdline-app.ts` STACK_NAME; not imported, to keep the CDK out of this CLI). */
export const defaultStackName = 'Holdline';

export interface QueuePair {
  /** The consumer's name, when addressed by name. */
  consumer?: ConsumerName;
  dlqUrl: string;
  /** Where replay sends messages; undefined = from each message's `holdline.sourceQueue`. */
  sourceUrl?: string;
}

/** Where the queue URLs come from: the local cloud's record, or a deployed stack's outputs. */
export type OutputsSource = { kind: 'local'; endpoint: string } | { kind: 'aws'; stackName: string };

const outputKey = (consumer: ConsumerName, kind: 'Queue' | 'Dlq') =>
  `${consumer[0]!.toUpperCase()}${consumer.slice(1)}${kind}Url`;

/** The DLQ and source queue of `consumer` from a map of stack outputs. */
export function pairFromOutputs(consumer: ConsumerName, outputs: Record<string, string>): QueuePair {
  const dlqUrl = outputs[outputKey(consumer, 'Dlq')];
  const sourceUrl = outputs[outputKey(consumer, 'Queue')];
  if (!dlqUrl || !sourceUrl) throw new Error(`the stack outputs have no ${outputKey(consumer, 'Dlq')}`);
  return { consumer, dlqUrl, sourceUrl };
}

/**
 * `<queue>` as the operator typed it: a consumer name (payment | inventory | notification) or a DLQ URL.
 * `to` overrides the source queue replay sends to.
 */
export async function resolveQueue(
  queue: string,
  outputs: () => Promise<Record<string, string>>,
  to?: string,
): Promise<QueuePair> {
  if (/^https?:\/\//.test(queue)) return { dlqUrl: queue, ...(to === undefined ? {} : { sourceUrl: to }) };
  if (!(consumerNames as readonly string[]).includes(queue))
    throw new Error(`unknown queue "${queue}": use ${consumerNames.join(' | ')} or a DLQ URL`);
  const pair = pairFromOutputs(queue as ConsumerName, await outputs());
  return to === undefined ? pair : { ...pair, sourceUrl: to };
}

interface CloudRecord {
  endpoints?: { aws?: string };
  outputs?: Record<string, string>;
}

/**
 * Local when AWS_ENDPOINT_URL is set or `npm run local:up` is running (its `.holdline/cloud.json`); otherwise the
 * AWS account of the default credential chain, stack `stackName`.
 */
export function outputsSource(stackName: string, env: NodeJS.ProcessEnv = process.env): OutputsSource {
  if (env.AWS_ENDPOINT_URL) return { kind: 'local', endpoint: env.AWS_ENDPOINT_URL };
  const endpoint = readCloudRecord()?.endpoints?.aws;
  return endpoint ? { kind: 'local', endpoint } : { kind: 'aws', stackName };
}

function readCloudRecord(): CloudRecord | undefined {
  return existsSync(cloudFile) ? (JSON.parse(readFileSync(cloudFile, 'utf8')) as CloudRecord) : undefined;
}

/** The stack outputs: from `.holdline/cloud.json` locally, from CloudFormation DescribeStacks in AWS. */
export async function loadOutputs(source: OutputsSource): Promise<Record<string, string>> {
  if (source.kind === 'local') {
    const record = readCloudRecord();
    if (record?.outputs && record.endpoints?.aws === source.endpoint) return record.outputs;
    throw new Error(
      `no outputs recorded for ${source.endpoint} (start it with npm run local:up, or pass a DLQ URL and --to)`,
    );
  }
  const cfn = new CloudFormationClient({});
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: source.stackName }));
    const outputs = out.Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(
      outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
    );
  } finally {
    cfn.destroy();
  }
}
