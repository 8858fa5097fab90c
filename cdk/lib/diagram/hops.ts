import { CONSUMERS } from '../../../lambdas/shared/consumers.ts';
import { type CfnResource, type CfnTemplate, functionIdsByEntry, resourcesOf } from '../template.ts';

/**
 * The six hops of an order (write, publish, route, process, quarantine, display), found in the synthesized
 * template and drawn from it. Every element of a hop is located by what the template says (route keys,
 * `holdline:entry` metadata, stack outputs, references), and its label quotes the settings a guarantee rests on,
 * so the diagram cannot claim a resource or a number the template does not have.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped.
type Json = any;

/** The template as the diagram walks it: known CDK output, its properties read without narrowing. */
export type CfnResourceJson = CfnResource<Json>;
export type TemplateJson = CfnTemplate<Json>;

export type HopName = 'write' | 'publish' | 'route' | 'process' | 'quarantine' | 'display';

/** One box of the diagram: the resource it stands for and what it shows. */
export interface Located {
  /** Mermaid node id. */
  node: string;
  logicalId: string;
  type: string;
  label: string;
}

export interface LocatedHop {
  name: HopName;
  guarantee: string;
  defence: string;
  elements: Located[];
}

/** A hop whose resource is gone from the template. */
export class HopResourceMissingError extends Error {
  override name = 'HopResourceMissingError';
  constructor(
    readonly hop: HopName,
    readonly element: string,
  ) {
    super(`hop "${hop}": ${element} is not in the template`);
  }
}

const CAPITAL = { payment: 'Payment', inventory: 'Inventory', notification: 'Notification' } as const;

function refId(value: unknown): string | undefined {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return v?.Ref ?? v?.['Fn::GetAtt']?.[0];
}

/** Reads the template; every lookup throws `HopResourceMissingError` when its resource is missing. */
class Finder {
  constructor(private readonly t: TemplateJson) {}

  byId(hop: HopName, what: string, logicalId: string | undefined, type: string): [string, CfnResourceJson] {
    const r = logicalId === undefined ? undefined : this.t.Resources?.[logicalId];
    if (logicalId === undefined || r === undefined || r.Type !== type)
      throw new HopResourceMissingError(hop, what);
    return [logicalId, r];
  }

  output(hop: HopName, outputId: string, type: string): [string, CfnResourceJson] {
    return this.byId(hop, `${type} of output ${outputId}`, refId(this.t.Outputs?.[outputId]?.Value), type);
  }

  find(
    hop: HopName,
    what: string,
    type: string,
    match: (r: CfnResourceJson) => boolean,
  ): [string, CfnResourceJson] {
    return this.findWithId(hop, what, type, (_, r) => match(r));
  }

  findWithId(
    hop: HopName,
    what: string,
    type: string,
    match: (id: string, r: CfnResourceJson) => boolean,
  ): [string, CfnResourceJson] {
    const found = resourcesOf(this.t).filter(([id, r]) => r.Type === type && match(id, r));
    if (found.length === 0) throw new HopResourceMissingError(hop, what);
    return found[0]!;
  }

  tryFind(type: string, match: (r: CfnResourceJson) => boolean): [string, CfnResourceJson] | undefined {
    return resourcesOf(this.t).find(([, r]) => r.Type === type && match(r));
  }

  fn(hop: HopName, entry: string): [string, CfnResourceJson] {
    const [id] = functionIdsByEntry(this.t, entry);
    return this.byId(hop, `Lambda function of ${entry}`, id, 'AWS::Lambda::Function');
  }

  mapping(hop: HopName, sourceId: string, functionId: string): [string, CfnResourceJson] {
    return this.find(
      hop,
      `event-source mapping ${sourceId} → ${functionId}`,
      'AWS::Lambda::EventSourceMapping',
      (r) =>
        refId(r.Properties?.EventSourceArn) === sourceId && refId(r.Properties?.FunctionName) === functionId,
    );
  }

  /** The CDC of one table: a Debezium task (topic prefix) with its service, or a DMS replication of the table. */
  capture(hop: HopName, connector: string, table: string): Located {
    const task = this.tryFind('AWS::ECS::TaskDefinition', (r) =>
      (r.Properties?.ContainerDefinitions ?? []).some((c: Json) =>
        (c.Environment ?? []).some(
          (e: Json) => e.Name === 'DEBEZIUM_SOURCE_TOPIC_PREFIX' && e.Value === connector,
        ),
      ),
    );
    if (task !== undefined) {
      const [, service] = this.find(
        hop,
        `ECS service of ${connector}`,
        'AWS::ECS::Service',
        (s) => refId(s.Properties?.TaskDefinition) === task[0],
      );
      const p = service.Properties;
      return {
        node: `${hop}_capture_${table}`,
        logicalId: task[0],
        type: task[1].Type,
        label:
          `Debezium Server on Fargate<br/>slot ${connector}, desired ${p.DesiredCount}, ` +
          `max ${p.DeploymentConfiguration?.MaximumPercent} %`,
      };
    }
    const dms =
      this.tryFind('AWS::DMS::ReplicationConfig', (r) =>
        JSON.stringify(r.Properties?.TableMappings ?? '').includes(`"table-name":"${table}"`),
      ) ??
      this.tryFind('AWS::DMS::ReplicationTask', (r) =>
        String(r.Properties?.TableMappings ?? '').includes(`"table-name":"${table}"`),
      );
    if (dms === undefined)
      throw new HopResourceMissingError(hop, `CDC of ${table} (Debezium task or DMS replication)`);
    return {
      node: `${hop}_capture_${table}`,
      logicalId: dms[0],
      type: dms[1].Type,
      label: `AWS DMS CDC<br/>table ${table}`,
    };
  }
}

function located(node: string, [logicalId, r]: [string, CfnResourceJson], label: string): Located {
  return { node, logicalId, type: r.Type, label };
}

/** Finds every hop's resources; throws `HopResourceMissingError` naming the first one that is missing. */
export function locateHops(template: TemplateJson): LocatedHop[] {
  const f = new Finder(template);

  // write
  const routeEntry = f.find(
    'write',
    'route POST /orders',
    'AWS::ApiGatewayV2::Route',
    (r) => r.Properties?.RouteKey === 'POST /orders',
  );
  const route = routeEntry[1];
  const stage = f.tryFind(
    'AWS::ApiGatewayV2::Stage',
    (r) => refId(r.Properties?.ApiId) === refId(route.Properties.ApiId),
  );
  const throttle = stage?.[1].Properties?.DefaultRouteSettings?.ThrottlingRateLimit;
  const api = f.fn('write', 'lambdas/api/handler.ts');
  const instance = f.tryFind('AWS::RDS::DBInstance', (r) => r.Properties?.Engine === 'postgres');
  const cluster = f.tryFind('AWS::RDS::DBCluster', (r) => r.Properties?.Engine === 'aurora-postgresql');
  const db = instance ?? cluster;
  if (db === undefined) throw new HopResourceMissingError('write', 'PostgreSQL database');
  const groups = resourcesOf(template)
    .map(([, r]) => r)
    .filter((r) => /^AWS::RDS::DB(Cluster)?ParameterGroup$/.test(r.Type));
  const walCap = groups
    .map((g) => g.Properties?.Parameters?.max_slot_wal_keep_size)
    .find((v) => v !== undefined);
  const write: Located[] = [
    located('write_route', routeEntry, `HTTP API<br/>POST /orders${throttle ? `, ${throttle} req/s` : ''}`),
    located('write_api', api, 'api λ<br/>order + outbox row, one transaction'),
    located(
      'write_db',
      db,
      `${db === instance ? 'RDS for PostgreSQL' : 'Aurora PostgreSQL'} ${db[1].Properties.EngineVersion}<br/>` +
        `max_slot_wal_keep_size ${walCap ?? '?'} MB`,
    ),
  ];
  const proxy = f.tryFind('AWS::RDS::DBProxy', () => true);
  if (proxy !== undefined) write.splice(2, 0, located('write_proxy', proxy, 'RDS Proxy<br/>TLS, pooled'));

  // publish
  const orderEvents = f.output('publish', 'OrderEventsStreamName', 'AWS::Kinesis::Stream');
  const publish: Located[] = [
    f.capture('publish', 'holdline_outbox', 'outbox'),
    located(
      'publish_stream',
      orderEvents,
      `Kinesis OrderEvents<br/>${orderEvents[1].Properties.StreamModeDetails?.StreamMode ?? 'PROVISIONED'}, ` +
        `${orderEvents[1].Properties.ShardCount} shard, ${orderEvents[1].Properties.RetentionPeriodHours} h`,
    ),
  ];

  // route
  const router = f.fn('route', 'lambdas/router/handler.ts');
  const routerMapping = f.mapping('route', orderEvents[0], router[0]);
  const rm = routerMapping[1].Properties;
  const routerFailures = f.output('route', 'RouterFailureQueueUrl', 'AWS::SQS::Queue');
  if (refId(rm.DestinationConfig?.OnFailure?.Destination) !== routerFailures[0])
    throw new HopResourceMissingError('route', 'on-failure destination of the router mapping');
  const routeHop: Located[] = [
    located(
      'route_mapping',
      routerMapping,
      `ESM batch ${rm.BatchSize}, bisect ${rm.BisectBatchOnFunctionError ? 'on' : 'off'}, ` +
        `${retriesLabel(rm)}, ${rm.ParallelizationFactor ?? 1}/shard`,
    ),
    located('route_router', router, 'router λ<br/>group = order id, dedup = event id'),
  ];

  // process + quarantine
  const processHop: Located[] = [];
  const quarantine: Located[] = [
    located(
      'quarantine_router_failures',
      routerFailures,
      'router failure queue<br/>bad records at once, pointers after the budget',
    ),
  ];
  for (const c of CONSUMERS) {
    const queue = f.output('process', `${CAPITAL[c]}QueueUrl`, 'AWS::SQS::Queue');
    const fn = f.fn('process', `lambdas/consumers/${c}/handler.ts`);
    const mapping = f.mapping('process', queue[0], fn[0]);
    const q = queue[1].Properties;
    if (q.FifoQueue !== true) throw new HopResourceMissingError('process', `FIFO queue for ${c}`);
    processHop.push(
      located(`process_${c}_queue`, queue, `${c} FIFO queue<br/>visibility ${q.VisibilityTimeout} s`),
      located(`process_${c}_fn`, fn, `${c} λ<br/>batch ${mapping[1].Properties.BatchSize}, partial failures`),
    );
    const dlq = f.output('quarantine', `${CAPITAL[c]}DlqUrl`, 'AWS::SQS::Queue');
    if (refId(q.RedrivePolicy?.deadLetterTargetArn) !== dlq[0] || dlq[1].Properties.FifoQueue !== true)
      throw new HopResourceMissingError('quarantine', `FIFO DLQ redrive of the ${c} queue`);
    quarantine.push(
      located(
        `quarantine_${c}_dlq`,
        dlq,
        `${c} DLQ (FIFO)<br/>poison after ${fn[1].Properties.Environment?.Variables?.MAX_ATTEMPTS} tries, ` +
          `outage after ${Math.round(Number(fn[1].Properties.Environment?.Variables?.OUTAGE_BUDGET_SECONDS) / 3600)} h, ` +
          `${Math.round(dlq[1].Properties.MessageRetentionPeriod / 86400)} days`,
      ),
    );
  }
  const idempotency = f.output('process', 'IdempotencyTableName', 'AWS::DynamoDB::Table');
  processHop.push(
    located(
      'process_idempotency',
      idempotency,
      `idempotency table<br/>key = event id, TTL ${idempotency[1].Properties.TimeToLiveSpecification?.AttributeName ?? 'off'}`,
    ),
  );

  // display
  const orderChanges = f.output('display', 'OrderChangesStreamName', 'AWS::Kinesis::Stream');
  const view = f.fn('display', 'lambdas/order-view/handler.ts');
  const viewTable = f.output('display', 'OrderViewTableName', 'AWS::DynamoDB::Table');
  const distribution = f.find(
    'display',
    'CloudFront distribution',
    'AWS::CloudFront::Distribution',
    () => true,
  );
  // The bucket the distribution reads (the reports bucket is private too, so privacy alone does not pick it).
  const origins = JSON.stringify(distribution[1].Properties?.DistributionConfig?.Origins ?? []);
  const bucket = f.findWithId(
    'display',
    'UI bucket behind origin access control',
    'AWS::S3::Bucket',
    (id, b) =>
      Boolean(b.Properties?.PublicAccessBlockConfiguration?.RestrictPublicBuckets) &&
      origins.includes(`"${id}"`),
  );
  const viewFailures = f.output('quarantine', 'OrderViewFailureQueueUrl', 'AWS::SQS::Queue');
  const viewMapping = f.mapping('display', orderChanges[0], view[0]);
  if (refId(viewMapping[1].Properties.DestinationConfig?.OnFailure?.Destination) !== viewFailures[0])
    throw new HopResourceMissingError('quarantine', 'on-failure destination of the order-view mapping');
  quarantine.push(
    located(
      'quarantine_view_failures',
      viewFailures,
      'order-view failure queue<br/>bad records at once, pointers after the budget',
    ),
  );
  const display: Located[] = [
    f.capture('display', 'holdline_orders', 'orders'),
    located('display_stream', orderChanges, 'Kinesis OrderChanges'),
    located('display_view', view, 'order-view λ<br/>LSN-guarded writes'),
    located('display_table', viewTable, 'order view table'),
    located('display_cdn', distribution, 'CloudFront<br/>UI + /orders, /oncall → API'),
    located('display_bucket', bucket, 'S3 UI bucket<br/>private, OAC'),
  ];

  return [
    {
      name: 'write',
      guarantee:
        'An accepted order and its outbox event commit together or not at all; a retried POST returns the first order.',
      defence:
        'One Postgres transaction; Idempotency-Key; RDS Proxy pools connections; the stage throttle sheds load before Postgres.',
      elements: write,
    },
    {
      name: 'publish',
      guarantee: 'Every committed outbox row reaches Kinesis at least once, in commit order per order id.',
      defence:
        'Log-based CDC with offsets in Postgres; exactly one capture task per slot; the slot cap turns a stalled reader into a re-snapshot, not a full disk.',
      elements: publish,
    },
    {
      name: 'route',
      guarantee:
        'Each event is sent to every consumer queue, in order per order id, with the event id as dedup id.',
      defence:
        'A record that can never be routed is quarantined with its data and reason; one that meets an outage is retried (bisect, partial-batch responses) until the outage budget, then its pointer goes to the on-failure queue. Never silently dropped.',
      elements: routeHop,
    },
    {
      name: 'process',
      guarantee: 'Each consumer applies each event once per event id, in order per order id.',
      defence:
        'FIFO group = order id; idempotency records keyed by event id outlive every redelivery path; visibility = 6 × timeout.',
      elements: processHop,
    },
    {
      name: 'quarantine',
      guarantee: 'A message that keeps failing stops blocking its group and is kept, not lost.',
      defence:
        "FIFO DLQs after a bounded receive count, kept 14 days for inspection and redrive; the stream readers' failure queues hold bad records with their reason, and stream pointers to replay from the stream.",
      elements: quarantine,
    },
    {
      name: 'display',
      guarantee: 'The order view converges to the database, and the UI shows an order as the API returns it.',
      defence:
        'A separate CDC feed and slot for orders; LSN-guarded conditional writes ignore stale or replayed changes.',
      elements: display,
    },
  ];
}

const EDGES: [string, string][] = [
  ['write_route', 'write_api'],
  ['write_api', 'write_proxy'],
  ['write_proxy', 'write_db'],
  ['write_api', 'write_db'],
  ['write_db', 'publish_capture_outbox'],
  ['publish_capture_outbox', 'publish_stream'],
  ['publish_stream', 'route_mapping'],
  ['route_mapping', 'route_router'],
  ['route_mapping', 'quarantine_router_failures'],
  ...CONSUMERS.flatMap((c): [string, string][] => [
    ['route_router', `process_${c}_queue`],
    [`process_${c}_queue`, `process_${c}_fn`],
    [`process_${c}_fn`, 'process_idempotency'],
    [`process_${c}_queue`, `quarantine_${c}_dlq`],
  ]),
  ['write_db', 'display_capture_orders'],
  ['display_capture_orders', 'display_stream'],
  ['display_stream', 'display_view'],
  ['display_view', 'display_table'],
  ['display_view', 'quarantine_view_failures'],
  ['display_cdn', 'display_bucket'],
  ['display_cdn', 'write_route'],
];

/** The hops as a Mermaid flowchart: one subgraph per hop, one node per resource, labelled from the template. */
export function renderMermaid(hops: LocatedHop[]): string {
  const nodes = new Set(hops.flatMap((h) => h.elements.map((e) => e.node)));
  const lines = ['flowchart LR'];
  for (const hop of hops) {
    lines.push(`  subgraph ${hop.name}[${hop.name}]`);
    for (const e of hop.elements) lines.push(`    ${e.node}["${e.label}<br/><small>${e.logicalId}</small>"]`);
    lines.push('  end');
  }
  for (const [from, to] of EDGES) {
    // write_api → write_db directly only when there is no proxy (the Data API).
    if (from === 'write_api' && to === 'write_db' && nodes.has('write_proxy')) continue;
    if (nodes.has(from) && nodes.has(to)) lines.push(`  ${from} --> ${to}`);
  }
  return lines.join('\n');
}

/** The whole of docs/architecture.md. */
export function renderArchitectureDoc(hops: LocatedHop[], variant: string): string {
  const table = [
    '| hop | guarantee | defence | resources (logical ids) |',
    '| --- | --- | --- | --- |',
    ...hops.map(
      (h) =>
        `| ${h.name} | ${h.guarantee} | ${h.defence} | ${h.elements.map((e) => `\`${e.logicalId}\``).join(', ')} |`,
    ),
  ];
  return [
    '# Architecture: six hops',
    '',
    '<!-- Generated by `npm run diagram` from the synthesized CDK template; do not edit by hand.',
    '     cdk/test/diagram.test.ts fails when this file differs from the template or a hop loses a resource. -->',
    '',
    `Generated from the synthesized template (${variant}). Every box is a resource of the template, found by what`,
    'the template says (route key, `holdline:entry`, stack output, reference), and every number in a label is read',
    'from it. The other variants (`-c database=aurora`, `-c cdc=dms`) swap the database and the capture boxes; the',
    'test checks that every hop is present in all four.',
    '',
    '```mermaid',
    renderMermaid(hops),
    '```',
    '',
    ...table,
    '',
  ].join('\n');
}

/** How long a failed record is retried: a count, or (CloudFormation's default −1) until it reaches an age. */
function retriesLabel(mapping: {
  MaximumRetryAttempts?: number;
  MaximumRecordAgeInSeconds?: number;
}): string {
  const age = mapping.MaximumRecordAgeInSeconds;
  const until = age === undefined || age === -1 ? 'the record expires' : `${age / 3600} h old`;
  return mapping.MaximumRetryAttempts === undefined || mapping.MaximumRetryAttempts === -1
    ? `retried until ${until}`
    : `${mapping.MaximumRetryAttempts} retries`;
}
