import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { type AwsAccess, awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { CONSUMERS, type ConsumerName, queueOutputId } from '../../lambdas/shared/consumers.ts';
import { type LocalCloudRecord, readLocalCloudRecord } from '../local-cloud-record.ts';

/** The consumers whose queues the tool knows by name (the stack's `<Name>QueueUrl` / `<Name>DlqUrl` outputs). */
export const consumerNames = CONSUMERS;
export type { ConsumerName };

/** The CDK stack name (`cdk/lib/holdline-app.ts` STACK_NAME; not imported, to keep the CDK out of this CLI). */
export const defaultStackName = 'Holdline';

export interface QueuePair {
  /** The consumer's name, when addressed by name. */
  consumer?: ConsumerName;
  dlqUrl: string;
  /** Where replay sends messages; undefined = from each message's `holdline.sourceQueue`. */
  sourceUrl?: string;
}

/** Where the queues are and how to reach them: a local cloud (and its recorded outputs), or a deployed stack. */
export type OutputsSource =
  | { kind: 'local'; aws: AwsAccess; outputs: Record<string, string> | undefined }
  | { kind: 'aws'; aws: AwsAccess; stackName: string };

/** The DLQ and source queue of `consumer` from a map of stack outputs. */
export function pairFromOutputs(consumer: ConsumerName, outputs: Record<string, string>): QueuePair {
  const dlqUrl = outputs[queueOutputId(consumer, 'Dlq')];
  const sourceUrl = outputs[queueOutputId(consumer, 'Queue')];
  if (!dlqUrl || !sourceUrl) throw new Error(`the stack outputs have no ${queueOutputId(consumer, 'Dlq')}`);
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

/**
 * Where the queues are, in this order: `--endpoint` (an emulator or LocalStack, with the dummy credentials
 * emulators take unless the shell has its own), `AWS_ENDPOINT_URL` in the user's shell, a running local cloud
 * (`npm run demo` or `npm run local:up`, found by its record), else the AWS account of the default credential
 * chain, stack `stackName`.
 */
export function outputsSource(
  stackName: string,
  endpoint: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  record: () => LocalCloudRecord | undefined = readLocalCloudRecord,
): OutputsSource {
  const explicit = endpoint || env.AWS_ENDPOINT_URL;
  if (explicit) {
    const running = record();
    return {
      kind: 'local',
      aws: {
        endpoint: explicit,
        region: env.AWS_REGION ?? 'us-east-1',
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
        },
      },
      outputs: running?.aws.endpoint === explicit ? running.outputs : undefined,
    };
  }
  const running = record();
  if (running) return { kind: 'local', aws: running.aws, outputs: running.outputs };
  return { kind: 'aws', aws: { region: env.AWS_REGION ?? 'us-east-1' }, stackName };
}

/** The stack outputs: recorded by the running local cloud, or from CloudFormation DescribeStacks in AWS. */
export async function loadOutputs(source: OutputsSource): Promise<Record<string, string>> {
  if (source.kind === 'local') {
    if (source.outputs) return source.outputs;
    throw new Error(
      `no local cloud with outputs runs at ${source.aws.endpoint} (start one with npm run demo or npm run local:up, or pass a DLQ URL and --to)`,
    );
  }
  const cfn = new CloudFormationClient(awsClientConfig(source.aws));
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
