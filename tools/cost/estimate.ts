import { routes } from '../../lambdas/router/routing.ts';
import { countCustomMetrics } from './custom-metrics.ts';
import type { Inventory } from './inventory.ts';
import { HOURS_PER_MONTH, type Price, prices } from './prices.ts';

/** One line of the bill: what, how many (as counted or assumed), dollars a month. */
export interface LineItem {
  item: string;
  quantity: string;
  usd: number;
  /** `counted`: from the template (or the code's metric names); `assumed`: from `usage` below. */
  basis: 'counted' | 'assumed';
}

/**
 * What the template cannot say: how the stack is used. Each figure is an assumption, printed with the estimate.
 * The per-order figures follow the code where it decides them (the router's routes, the consumers' writes).
 */
export const usage = {
  /** A month of seconds (730 h). */
  secondsPerMonth: HOURS_PER_MONTH * 3600,
  /** POST /orders and one GET /orders/{id}. */
  apiRequestsPerOrder: 2,
  /** The authorizer's 1-minute cache is per token; assume each order comes with a token it has not seen. */
  authorizerCallsPerOrder: 1,
  /** Each order is placed and then confirmed (the outcome events route like OrderConfirmed). */
  eventsPerOrder: ['OrderPlaced', 'OrderConfirmed'],
  /** Insert, then the payment's update: the order-view changes. */
  orderChangesPerOrder: 2,
  /** Per consumer message: Powertools idempotency writes twice (in progress, completed), the sequence guard once. */
  dynamoWritesPerMessage: 3,
  /** Every message is sent, received and deleted, in batches of about this many. */
  sqsMessagesPerRequest: 5,
  /** Lambda's SQS pollers keep long-polling an empty queue: 5 pollers × one 20 s receive each. */
  idleSqsReceivesPerQueueMinute: 15,
  /** A Kinesis mapping reads each shard about once a second: one invocation per shard-second while records flow. */
  kinesisInvocationsPerShardSecond: 1,
  /** Debezium's heartbeat: one record per connector every 10 s, reaching the stream's reader. */
  heartbeatRecordsPerSecond: 0.1,
  /** Per invocation: duration and log volume. Consumer invocations are counted once per message (an upper bound). */
  invocationSeconds: 0.05,
  scheduledInvocationSeconds: 0.2,
  logBytesPerInvocation: 1024,
  /** The HTTP API's access log line per request. */
  accessLogBytesPerRequest: 400,
  /** Orders come through the web UI: CloudFront and its web ACL in front of every API request. */
  cloudFrontShareOfApiRequests: 1,
  responseBytes: 1024,
  /** X-Ray, per traced function: 1 request a second and 5 % of the rest. Consumers continue the router's trace
   *  (SQS carries the trace header), so they start none. */
  xrayReservoirPerSecond: 1,
  xrayRate: 0.05,
  /** DynamoDB storage after a month: idempotency/sequence items live 24 h, order-view items stay (half a month on
   *  average); bytes per item. */
  idempotencyItemBytes: 400,
  orderViewItemBytes: 500,
  /** Not in the template: Container Insights' metric count per cluster. A rough figure, not counted. */
  containerInsightsUsdPerCluster: 5,
  /** Aurora storage for an idle sandbox. */
  auroraStorageGb: 20,
} as const;

const hourly = (p: Price, n = 1) => p.usd * HOURS_PER_MONTH * n;
const round2 = (n: number) => Math.round(n * 100) / 100;
const millions = (n: number) => `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} M`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function priced<T>(table: Record<string, T>, key: string, what: string): T {
  const p = table[key];
  if (p === undefined) throw new Error(`no price for ${what} ${key}: add it to tools/cost/prices.ts`);
  return p;
}

/** Traces a month for a function invoked `perSecond` times a second. */
function traces(perSecond: number): number {
  const sampled =
    Math.min(perSecond, usage.xrayReservoirPerSecond) +
    usage.xrayRate * Math.max(0, perSecond - usage.xrayReservoirPerSecond);
  return sampled * usage.secondsPerMonth;
}

/** What the stack costs deployed and idle: counted from the template, priced from `prices`. */
export function idleItems(inv: Inventory): LineItem[] {
  const items: LineItem[] = [];
  const add = (item: string, quantity: string, usd: number, basis: LineItem['basis'] = 'counted') => {
    if (usd > 0) items.push({ item, quantity, usd: round2(usd), basis });
  };
  for (const db of inv.rdsInstances)
    add(
      `RDS ${db.instanceClass}${db.multiAz ? ' Multi-AZ' : ''} + gp3 storage`,
      `1 instance${db.multiAz ? ' and its standby' : ''}, ${db.storageGb} GB`,
      db.multiAz
        ? hourly(priced(prices.rdsInstanceHourMultiAz, db.instanceClass, 'RDS Multi-AZ class')) +
            db.storageGb * prices.rdsGp3GbMonthMultiAz.usd
        : hourly(priced(prices.rdsInstanceHour, db.instanceClass, 'RDS class')) +
            db.storageGb * prices.rdsGp3GbMonth.usd,
    );
  if (inv.rdsProxies > 0) {
    const vcpus = Math.max(
      2,
      ...inv.rdsInstances.map((d) => priced(prices.rdsInstanceVcpus, d.instanceClass, 'vCPUs of')),
    );
    add(
      'RDS Proxy',
      `${inv.rdsProxies} × ${vcpus} vCPUs (2 minimum)`,
      hourly(prices.rdsProxyVcpuHour, vcpus * inv.rdsProxies),
    );
  }
  for (const c of inv.auroraClusters)
    add(
      'Aurora Serverless v2 at its minimum + storage',
      `${c.minAcu} ACU, ${usage.auroraStorageGb} GB (assumed)`,
      hourly(prices.auroraAcuHour, c.minAcu) + usage.auroraStorageGb * prices.auroraStorageGbMonth.usd,
    );
  if (inv.fargateTasks.length > 0) {
    const t = inv.fargateTasks;
    const vcpu = t.reduce((n, x) => n + x.vcpu, 0);
    const gb = t.reduce((n, x) => n + x.memoryGb, 0);
    add(
      'Fargate tasks (Debezium)',
      `${t.length} × (${t[0]!.vcpu} vCPU, ${t[0]!.memoryGb} GB)`,
      hourly(prices.fargateVcpuHour, vcpu) + hourly(prices.fargateGbHour, gb),
    );
  }
  const ipSources = [
    [inv.fargateTasks.filter((t) => t.publicIp).length, 'task'],
    [inv.elasticIps, 'Elastic IP'],
    [inv.ec2Instances.length, 'instance'],
  ] as const;
  const publicIps = ipSources.reduce((n, [count]) => n + count, 0);
  add(
    'public IPv4 addresses',
    ipSources
      .filter(([count]) => count > 0)
      .map(([count, what]) => plural(count, what))
      .join(', '),
    hourly(prices.publicIpv4Hour, publicIps),
  );
  const shards = inv.streams.filter((s) => s.provisioned).reduce((n, s) => n + s.shards, 0);
  add(
    'Kinesis shards (provisioned)',
    `${inv.streams.length} streams, ${shards} shards`,
    hourly(prices.kinesisShardHour, shards),
  );
  const extended = inv.streams.filter((s) => s.retentionHours > 24).reduce((n, s) => n + s.shards, 0);
  add(
    'Kinesis retention past 24 h',
    `${extended} shards at ${Math.max(...inv.streams.map((s) => s.retentionHours)) / 24} days`,
    hourly(prices.kinesisExtendedRetentionShardHour, extended),
  );
  const azHours = inv.interfaceEndpoints.reduce((n, e) => n + e.azs, 0);
  add(
    'interface VPC endpoints',
    `${inv.interfaceEndpoints.map((e) => e.service).join(', ')}: ${azHours} endpoint-AZs`,
    hourly(prices.interfaceEndpointAzHour, azHours),
  );
  add('NAT gateways', plural(inv.natGateways, 'gateway'), hourly(prices.natGatewayHour, inv.natGateways));
  for (const type of inv.ec2Instances)
    add(
      `EC2 ${type} (admin bastion)`,
      '1 instance',
      hourly(priced(prices.ec2InstanceHour, type, 'EC2 type')),
    );
  for (const d of inv.dmsInstances)
    add(
      `DMS ${d.instanceClass} + storage`,
      `1 instance, ${d.storageGb} GB`,
      hourly(priced(prices.dmsInstanceHour, d.instanceClass, 'DMS class')) +
        d.storageGb * prices.dmsStorageGbMonth.usd,
    );
  add('Secrets Manager secrets', String(inv.secrets), inv.secrets * prices.secretMonth.usd);
  add('KMS customer managed keys', String(inv.kmsKeys), inv.kmsKeys * prices.kmsKeyMonth.usd);
  add('CloudWatch alarms', String(inv.alarms), inv.alarms * prices.alarmMonth.usd);
  add('CloudWatch dashboards', String(inv.dashboards), inv.dashboards * prices.dashboardMonth.usd);
  const metrics = countCustomMetrics(inv.sqsMappings, inv.slots, inv.rdsInstances.length > 0);
  add(
    'custom metrics sent every hour',
    `${metrics.always} (slot monitor, reconciler, reaper, heartbeats)`,
    metrics.always * prices.customMetricMonth.usd,
  );
  const monitorRuns = inv.schedules
    .filter((s) => s.entry === 'lambdas/slot-monitor/handler.ts')
    .reduce((n, s) => n + s.perMonth, 0);
  add(
    'PutMetricData (slot monitor, one call a run)',
    `${monitorRuns.toLocaleString('en-US')} calls`,
    (monitorRuns / 1000) * prices.putMetricDataThousand.usd,
  );
  for (const acl of inv.webAcls)
    add(
      'WAF web ACL',
      `1 ACL, ${acl.rules} rules`,
      prices.wafWebAclMonth.usd + acl.rules * prices.wafRuleMonth.usd,
    );
  add(
    'Container Insights metrics (rough, not counted)',
    plural(inv.containerInsightsClusters, 'cluster'),
    inv.containerInsightsClusters * usage.containerInsightsUsdPerCluster,
    'assumed',
  );
  const idleReceives = inv.sqsMappings * usage.idleSqsReceivesPerQueueMinute * 60 * HOURS_PER_MONTH;
  add(
    'SQS: the consumers’ pollers on empty queues',
    `${inv.sqsMappings} queues, ${millions(idleReceives)} receives`,
    (idleReceives / 1e6) * prices.sqsFifoRequestsMillion.usd,
    'assumed',
  );
  // Scheduled functions and the heartbeat invocations of each stream reader: they run whether orders come or not.
  const heartbeatInvocations = inv.kinesisMappings * usage.heartbeatRecordsPerSecond * usage.secondsPerMonth;
  const scheduled = inv.schedules.reduce((n, s) => n + s.perMonth, 0);
  const gbSeconds =
    inv.schedules.reduce(
      (n, s) => n + s.perMonth * usage.scheduledInvocationSeconds * (s.memoryMb / 1024),
      0,
    ) +
    heartbeatInvocations * usage.invocationSeconds * 0.5;
  const invocations = scheduled + heartbeatInvocations;
  add(
    'Lambda: schedules and heartbeat records',
    `${millions(invocations)} invocations`,
    (invocations / 1e6) * prices.lambdaRequestsMillion.usd + gbSeconds * prices.lambdaArmGbSecond.usd,
    'assumed',
  );
  const idleTraces =
    inv.schedules.reduce((n, s) => n + traces(s.perMonth / usage.secondsPerMonth), 0) +
    inv.kinesisMappings * traces(usage.heartbeatRecordsPerSecond);
  add(
    'X-Ray traces of those',
    millions(idleTraces),
    (idleTraces / 1e6) * prices.xrayTracesMillion.usd,
    'assumed',
  );
  add(
    'CloudWatch Logs of those',
    `${((invocations * usage.logBytesPerInvocation) / 1e9).toFixed(1)} GB`,
    ((invocations * usage.logBytesPerInvocation) / 1e9) * prices.logsIngestedGb.usd,
    'assumed',
  );
  return items;
}

/** What `ordersPerSecond` adds on top of idle, from `usage` and the template's counts. */
export function rateItems(inv: Inventory, ordersPerSecond: number): LineItem[] {
  const items: LineItem[] = [];
  const add = (item: string, quantity: string, usd: number) =>
    items.push({ item, quantity, usd: round2(usd), basis: 'assumed' });
  const orders = ordersPerSecond * usage.secondsPerMonth;
  const messagesPerOrder = usage.eventsPerOrder.reduce((n, type) => n + (routes.get(type)?.length ?? 0), 0);
  const messages = orders * messagesPerOrder;
  const apiRequests = orders * usage.apiRequestsPerOrder;
  const records = orders * (usage.eventsPerOrder.length + usage.orderChangesPerOrder);
  // Each stream's reader: about one invocation per shard-second once records flow, of which the idle estimate
  // already holds the heartbeat ones.
  const shardsPerStream = inv.streams.reduce((n, s) => n + s.shards, 0) / Math.max(1, inv.streams.length);
  const recordsPerStreamSecond = records / usage.secondsPerMonth / Math.max(1, inv.streams.length);
  const readerPerSecond = Math.min(
    shardsPerStream * usage.kinesisInvocationsPerShardSecond,
    recordsPerStreamSecond + usage.heartbeatRecordsPerSecond,
  );
  const streamInvocationsPerSecond =
    inv.kinesisMappings * (readerPerSecond - usage.heartbeatRecordsPerSecond);

  add(
    'API Gateway HTTP API',
    `${millions(apiRequests)} requests`,
    (apiRequests / 1e6) * prices.httpApiRequestsMillion.usd,
  );
  const edge = apiRequests * usage.cloudFrontShareOfApiRequests;
  add(
    'CloudFront requests and data out',
    `${millions(edge)} requests, ${((edge * usage.responseBytes) / 1e9).toFixed(0)} GB`,
    (edge / 1e6) * prices.cloudFrontHttpsMillion.usd +
      ((edge * usage.responseBytes) / 1e9) * prices.cloudFrontOutGb.usd,
  );
  if (inv.webAcls.length > 0)
    add('WAF requests inspected', millions(edge), (edge / 1e6) * prices.wafRequestsMillion.usd);

  const perSecond = {
    api: ordersPerSecond * usage.apiRequestsPerOrder,
    authorizer: ordersPerSecond * usage.authorizerCallsPerOrder,
    consumers: ordersPerSecond * messagesPerOrder,
    streams: streamInvocationsPerSecond,
  };
  const invocations =
    (perSecond.api + perSecond.authorizer + perSecond.consumers + perSecond.streams) * usage.secondsPerMonth;
  const memoryGb = (inv.functionMemoryMb['lambdas/api/handler.ts'] ?? 512) / 1024;
  add(
    'Lambda invocations and duration',
    `${millions(invocations)} invocations × ${usage.invocationSeconds * 1000} ms at ${memoryGb * 1024} MB`,
    (invocations / 1e6) * prices.lambdaRequestsMillion.usd +
      invocations * usage.invocationSeconds * memoryGb * prices.lambdaArmGbSecond.usd,
  );
  const sqsRequests = (messages * 3) / usage.sqsMessagesPerRequest;
  add(
    'SQS FIFO send, receive, delete',
    `${millions(messages)} messages (${messagesPerOrder} per order), ${millions(sqsRequests)} requests`,
    (sqsRequests / 1e6) * prices.sqsFifoRequestsMillion.usd,
  );
  add(
    'Kinesis PUT payload units',
    `${millions(records)} records`,
    (records / 1e6) * prices.kinesisPutUnitsMillion.usd,
  );
  const writes = messages * usage.dynamoWritesPerMessage + orders * usage.orderChangesPerOrder;
  add(
    'DynamoDB writes (idempotency, sequence guard, order view)',
    `${millions(writes)} write units`,
    (writes / 1e6) * prices.dynamoWriteUnitsMillion.usd,
  );
  const storageGb =
    ((orders / 30) * messagesPerOrder * usage.dynamoWritesPerMessage * usage.idempotencyItemBytes) / 1e9 +
    ((orders / 2) * usage.orderViewItemBytes) / 1e9;
  add(
    'DynamoDB storage and PITR after a month',
    `${storageGb.toFixed(1)} GB`,
    storageGb * (prices.dynamoStorageGbMonth.usd + prices.dynamoPitrGbMonth.usd),
  );
  const logsGb =
    (invocations * usage.logBytesPerInvocation + apiRequests * usage.accessLogBytesPerRequest) / 1e9;
  add('CloudWatch Logs ingested', `${logsGb.toFixed(0)} GB`, logsGb * prices.logsIngestedGb.usd);
  const metrics = countCustomMetrics(inv.sqsMappings, inv.slots, inv.rdsInstances.length > 0);
  add(
    'custom metrics sent with traffic',
    String(metrics.traffic),
    metrics.traffic * prices.customMetricMonth.usd,
  );
  const traced =
    traces(perSecond.api) +
    traces(perSecond.authorizer) +
    inv.kinesisMappings * (traces(readerPerSecond) - traces(usage.heartbeatRecordsPerSecond));
  add('X-Ray traces', millions(traced), (traced / 1e6) * prices.xrayTracesMillion.usd);
  return items;
}

export const total = (items: readonly LineItem[]) => round2(items.reduce((n, i) => n + i.usd, 0));
