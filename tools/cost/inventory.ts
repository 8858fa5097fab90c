import { ENTRY_METADATA } from '../../cdk/lib/entry-metadata.ts';
import { asRecord, type CfnTemplate, resourcesOf, resourcesOfType } from '../../cdk/lib/template.ts';

/** What the bill is counted from: the synthesized template's resources, nothing typed by hand. */
export interface Inventory {
  rdsInstances: Array<{ instanceClass: string; storageGb: number; multiAz: boolean }>;
  /** Aurora Serverless v2 clusters: their minimum capacity, what an idle cluster bills. */
  auroraClusters: Array<{ minAcu: number }>;
  rdsProxies: number;
  /** Fargate tasks the services run (desired count × the task definition's size). */
  fargateTasks: Array<{ vcpu: number; memoryGb: number; publicIp: boolean }>;
  streams: Array<{ shards: number; retentionHours: number; provisioned: boolean }>;
  /** Interface endpoints, each with the number of AZs (subnets) it has an interface in. */
  interfaceEndpoints: Array<{ service: string; azs: number }>;
  natGateways: number;
  elasticIps: number;
  ec2Instances: string[];
  secrets: number;
  kmsKeys: number;
  alarms: number;
  dashboards: number;
  webAcls: Array<{ rules: number }>;
  /** ECS clusters with Container Insights on. */
  containerInsightsClusters: number;
  dmsInstances: Array<{ instanceClass: string; storageGb: number }>;
  /** SQS queues a Lambda mapping polls, and Kinesis streams one reads. */
  sqsMappings: number;
  kinesisMappings: number;
  /** Scheduled functions: invocations a month and memory. */
  schedules: Array<{ entry: string; perMonth: number; memoryMb: number }>;
  /** Memory of each function, by its `holdline:entry`. */
  functionMemoryMb: Record<string, number>;
  /** Replication slots Debezium uses (one per connector). */
  slots: number;
}

const num = (v: unknown, fallback = 0) =>
  typeof v === 'number' || typeof v === 'string' ? Number(v) : fallback;

/** `{ Ref: id }` or `{ "Fn::GetAtt": [id, …] }` → id. */
function refId(value: unknown): string | undefined {
  const v = asRecord(value);
  const getAtt = v?.['Fn::GetAtt'];
  return typeof v?.Ref === 'string' ? v.Ref : Array.isArray(getAtt) ? String(getAtt[0]) : undefined;
}

/** `rate(1 minute)` / `rate(5 minutes)` / `rate(1 hour)` → invocations in a 730-hour month. */
function ratePerMonth(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) throw new Error(`schedule ${expression}: only rate() expressions are priced`);
  const minutes = Number(m[1]) * (m[2]!.startsWith('minute') ? 1 : m[2]!.startsWith('hour') ? 60 : 1440);
  return (730 * 60) / minutes;
}

export function inventoryOf(template: CfnTemplate): Inventory {
  const props = (type: string) =>
    resourcesOfType(template, type).map(([id, r]) => [id, asRecord(r.Properties) ?? {}] as const);
  const byId = Object.fromEntries(resourcesOf(template));
  const fnMemory: Record<string, number> = {};
  const memoryById: Record<string, number> = {};
  for (const [id, r] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const memory = num(asRecord(r.Properties)?.MemorySize, 128);
    memoryById[id] = memory;
    const entry = r.Metadata?.[ENTRY_METADATA];
    if (typeof entry === 'string') fnMemory[entry] = memory;
  }
  const entryOf = (id: string | undefined) => {
    const entry = id === undefined ? undefined : byId[id]?.Metadata?.[ENTRY_METADATA];
    return typeof entry === 'string' ? entry : (id ?? 'unknown');
  };

  const fargateTasks: Inventory['fargateTasks'] = [];
  for (const [, p] of props('AWS::ECS::Service')) {
    const task = asRecord(byId[refId(p.TaskDefinition) ?? '']?.Properties) ?? {};
    const network = asRecord(asRecord(p.NetworkConfiguration)?.AwsvpcConfiguration);
    for (let i = 0; i < num(p.DesiredCount, 1); i++)
      fargateTasks.push({
        vcpu: num(task.Cpu) / 1024,
        memoryGb: num(task.Memory) / 1024,
        publicIp: network?.AssignPublicIp === 'ENABLED',
      });
  }

  const mappingSources = props('AWS::Lambda::EventSourceMapping').map(
    ([, p]) => byId[refId(p.EventSourceArn) ?? '']?.Type,
  );

  return {
    rdsInstances: props('AWS::RDS::DBInstance')
      .filter(([, p]) => p.Engine === 'postgres')
      .map(([, p]) => ({
        instanceClass: String(p.DBInstanceClass),
        storageGb: num(p.AllocatedStorage),
        multiAz: p.MultiAZ === true,
      })),
    auroraClusters: props('AWS::RDS::DBCluster').map(([, p]) => ({
      minAcu: num(asRecord(p.ServerlessV2ScalingConfiguration)?.MinCapacity),
    })),
    rdsProxies: props('AWS::RDS::DBProxy').length,
    fargateTasks,
    streams: props('AWS::Kinesis::Stream').map(([, p]) => ({
      shards: num(p.ShardCount, 1),
      retentionHours: num(p.RetentionPeriodHours, 24),
      provisioned: asRecord(p.StreamModeDetails)?.StreamMode !== 'ON_DEMAND',
    })),
    interfaceEndpoints: props('AWS::EC2::VPCEndpoint')
      .filter(([, p]) => p.VpcEndpointType === 'Interface')
      .map(([, p]) => ({
        service: (JSON.stringify(p.ServiceName).match(/\.([a-z-]+)"\]\]\}$/)?.[1] ?? 'unknown').replace(
          /^\./,
          '',
        ),
        azs: Array.isArray(p.SubnetIds) ? p.SubnetIds.length : 1,
      })),
    natGateways: props('AWS::EC2::NatGateway').length,
    elasticIps: props('AWS::EC2::EIP').length,
    ec2Instances: props('AWS::EC2::Instance').map(([, p]) => String(p.InstanceType)),
    secrets: props('AWS::SecretsManager::Secret').length,
    kmsKeys: props('AWS::KMS::Key').length,
    alarms: props('AWS::CloudWatch::Alarm').length,
    dashboards: props('AWS::CloudWatch::Dashboard').length,
    webAcls: props('AWS::WAFv2::WebACL').map(([, p]) => ({
      rules: Array.isArray(p.Rules) ? p.Rules.length : 0,
    })),
    containerInsightsClusters: props('AWS::ECS::Cluster').filter(([, p]) =>
      JSON.stringify(p.ClusterSettings ?? []).includes('"containerInsights","Value":"enabled"'),
    ).length,
    dmsInstances: props('AWS::DMS::ReplicationInstance').map(([, p]) => ({
      instanceClass: String(p.ReplicationInstanceClass),
      storageGb: num(p.AllocatedStorage, 50),
    })),
    sqsMappings: mappingSources.filter((t) => t === 'AWS::SQS::Queue').length,
    kinesisMappings: mappingSources.filter((t) => t === 'AWS::Kinesis::Stream').length,
    schedules: props('AWS::Events::Rule')
      .filter(([, p]) => typeof p.ScheduleExpression === 'string')
      .flatMap(([, p]) =>
        (Array.isArray(p.Targets) ? p.Targets : []).map((target) => {
          const fnId = refId(asRecord(target)?.Arn);
          return {
            entry: entryOf(fnId),
            perMonth: ratePerMonth(String(p.ScheduleExpression)),
            memoryMb: memoryById[fnId ?? ''] ?? 128,
          };
        }),
      ),
    functionMemoryMb: fnMemory,
    slots: new Set(
      props('AWS::ECS::TaskDefinition').flatMap(([, p]) =>
        (Array.isArray(p.ContainerDefinitions) ? p.ContainerDefinitions : []).flatMap((c) =>
          ((asRecord(c)?.Environment as Array<{ Name: string; Value: unknown }> | undefined) ?? [])
            .filter((e) => e.Name === 'DEBEZIUM_SOURCE_SLOT_NAME')
            .map((e) => String(e.Value)),
        ),
      ),
    ).size,
  };
}
