import type { CfnTemplate } from '../../../cdk/lib/template.ts';
import type { AwsAccess } from '../../../lambdas/shared/aws-access.ts';
import { type AwsClients, createClients } from './clients.ts';
import { provisionTable } from './dynamodb.ts';
import { InvalidTemplateError, ProvisionError, ResourceProvisionError } from './errors.ts';
import { provisionStream } from './kinesis.ts';
import { runtimeRefs, runtimeTypes, syntheticRefs } from './local.ts';
import { localName } from './names.ts';
import { assertKnownKeys } from './options.ts';
import { dependencyOrder } from './order.ts';
import { requestedAttributes } from './references.ts';
import { evaluateCondition, pseudoParameters, type ResolveContext, resolveValue } from './resolve.ts';
import { provisionBucket } from './s3.ts';
import { isFifoTopic, provisionSubscription, provisionTopic } from './sns.ts';
import { isFifoQueue, provisionQueue } from './sqs.ts';
import type { Provisioned, ProvisionedResource, ProvisionInput, ProvisionOutput } from './types.ts';

export interface ProvisionOptions {
  /** Stack name for `AWS::StackName` and generated physical names. Default `holdline`. */
  stackName?: string;
  /** Values for template parameters; a parameter without a value uses its Default. Default: none. */
  parameters?: Record<string, string>;
  /** `AWS::Region`. Default: the region of the cloud provisioned into. */
  region?: string;
  /** `AWS::AccountId` for synthetic ARNs. Default 000000000000 (moto reports 123456789012 in its own ARNs). */
  accountId?: string;
}

interface Provisioner {
  /** The property that carries an explicit physical name, if the type has one. */
  nameProperty?: string;
  fifo?(props: Record<string, unknown>): boolean;
  run(clients: AwsClients, input: ProvisionInput): Promise<ProvisionOutput>;
}

const provisioners: Record<string, Provisioner> = {
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    fifo: isFifoQueue,
    run: (c, i) => provisionQueue(c.sqs, i),
  },
  'AWS::Kinesis::Stream': { nameProperty: 'Name', run: (c, i) => provisionStream(c.kinesis, i) },
  'AWS::DynamoDB::Table': { nameProperty: 'TableName', run: (c, i) => provisionTable(c.dynamodb, i) },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    fifo: isFifoTopic,
    run: (c, i) => provisionTopic(c.sns, i),
  },
  'AWS::SNS::Subscription': { run: (c, i) => provisionSubscription(c.sns, i) },
  'AWS::S3::Bucket': { nameProperty: 'BucketName', run: (c, i) => provisionBucket(c.s3, i) },
};

const runtimeNameProperty: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Events::Rule': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
};

// CDK's own bookkeeping resource; listing it as "skipped" would only be noise.
const ignoredTypes = new Set(['AWS::CDK::Metadata']);

/**
 * Creates, in the cloud `access` points at, every queue, stream, table, topic, subscription and bucket of a
 * synthesized template, in dependency order (a DLQ before the queue that redrives to it). Idempotent: resources
 * that exist are reused and their attributes updated. Lambda functions, event-source mappings and schedules get
 * local names for the local runtime; every other type gets synthetic refs and is listed in `skipped`.
 */
export async function provisionFromTemplate(
  template: CfnTemplate,
  access: AwsAccess,
  options: ProvisionOptions = {},
): Promise<Provisioned> {
  assertKnownKeys('provisionFromTemplate', options, ['stackName', 'parameters', 'region', 'accountId']);
  const pseudo = pseudoParameters({
    ...(options.stackName === undefined ? {} : { stackName: options.stackName }),
    region: options.region ?? access.region,
    ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
  });
  const resources: Record<string, ProvisionedResource> = {};
  const ctx: ResolveContext = {
    resources,
    pseudo,
    parameters: parameterValues(template, options.parameters ?? {}),
    conditions: template.Conditions ?? {},
    mappings: template.Mappings ?? {},
  };
  const skipped: Provisioned['skipped'] = [];
  const warnings: string[] = [];
  const declared = template.Resources ?? {};
  const attributesWanted = requestedAttributes(template);
  const clients = createClients(access);
  try {
    for (const logicalId of dependencyOrder(declared)) {
      const resource = declared[logicalId];
      if (resource === undefined) continue;
      if (resource.Condition !== undefined && !evaluateCondition(resource.Condition, ctx)) continue;
      const { Type: type } = resource;
      const provisioner = provisioners[type];
      if (provisioner !== undefined) {
        resources[logicalId] = await provisionOne(
          clients,
          provisioner,
          logicalId,
          type,
          resource.Properties,
          ctx,
          warnings,
        );
      } else if (runtimeTypes.has(type)) {
        const nameProperty = runtimeNameProperty[type];
        const explicit = nameProperty === undefined ? undefined : resource.Properties?.[nameProperty];
        const name = explicit === undefined ? undefined : String(resolveValue(explicit, ctx));
        resources[logicalId] = { type, status: 'local', ...runtimeRefs(type, logicalId, name, pseudo) };
      } else {
        const requested = attributesWanted.get(logicalId) ?? new Set<string>();
        resources[logicalId] = {
          type,
          status: 'synthetic',
          ...syntheticRefs(type, logicalId, pseudo, requested),
        };
        if (!ignoredTypes.has(type)) skipped.push({ logicalId, type });
      }
    }
  } finally {
    clients.destroy();
  }
  return {
    resources,
    outputs: resolveOutputs(template, ctx),
    resolve: (value) => resolveValue(value, ctx),
    skipped,
    warnings,
    pseudo,
  };
}

async function provisionOne(
  clients: AwsClients,
  provisioner: Provisioner,
  logicalId: string,
  type: string,
  properties: Record<string, unknown> | undefined,
  ctx: ResolveContext,
  warnings: string[],
): Promise<ProvisionedResource> {
  try {
    const props = (resolveValue(properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
    const explicit = provisioner.nameProperty === undefined ? undefined : props[provisioner.nameProperty];
    const name =
      typeof explicit === 'string'
        ? explicit
        : localName(ctx.pseudo.stackName, logicalId, type, provisioner.fifo?.(props) ?? false);
    const input: ProvisionInput = {
      logicalId,
      props,
      name,
      pseudo: ctx.pseudo,
      warn: (m) => warnings.push(m),
    };
    return { type, ...(await provisioner.run(clients, input)) };
  } catch (error) {
    throw new ResourceProvisionError(logicalId, type, { cause: error });
  }
}

function parameterValues(
  template: CfnTemplate,
  given: Record<string, string>,
): Record<string, string | string[]> {
  const declared = template.Parameters ?? {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length > 0) throw new InvalidTemplateError(`unknown parameter(s) ${unknown.join(', ')}`);
  const values: Record<string, string | string[]> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const value = given[name] ?? (parameter.Default === undefined ? undefined : String(parameter.Default));
    if (value === undefined) throw new InvalidTemplateError('parameter has no value and no Default', name);
    values[name] = /^(CommaDelimitedList|List<)/.test(parameter.Type) ? value.split(',') : value;
  }
  return values;
}

function resolveOutputs(template: CfnTemplate, ctx: ResolveContext): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !evaluateCondition(output.Condition, ctx)) continue;
    try {
      const value = resolveValue(output.Value, ctx);
      outputs[name] = Array.isArray(value) ? value.join(',') : String(value);
    } catch (error) {
      if (error instanceof ProvisionError)
        throw new InvalidTemplateError(`output ${name} does not resolve`, name, { cause: error });
      throw error;
    }
  }
  return outputs;
}
