import { Stack } from 'aws-cdk-lib';
import { Cluster, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { BULK_MESSAGE_PREFIX } from '../../../lambdas/change-rules/bulk-marker.ts';
import { type CapturedTable, RULES_PUBLICATION } from '../change-rules/capture-plan.ts';
import { config } from '../config.ts';
import { type DebeziumConnectorInput, type DebeziumRouting, debeziumProperties } from '../debezium-config.ts';
import type { HoldlineDatabase } from './database.ts';
import { DEBEZIUM_RDS_CA_PATH, DebeziumTask } from './debezium-task.ts';
import type { Network } from './network.ts';

export interface DebeziumCaptureProps {
  network: Network;
  database: HoldlineDatabase;
  /** Receives the outbox events (`holdline_outbox` slot). */
  orderEvents: IStream;
  /** Receives the `orders` table's change events (`holdline_orders` slot). */
  orderChanges: IStream;
  /** The change rules' capture: their tables' changes (`holdline_rules` slot) go to `stream`. Default none. */
  rules?: { stream: IStream; plan: readonly CapturedTable[] };
  /** Run the outbox connector. Default true; false when the polling relay delivers the outbox instead. */
  outbox?: boolean;
  /** Services at 0 tasks: the first deploy, before migrations created the roles, slots' publications and offsets schema. */
  paused?: boolean;
}

/** What differs between the two connectors. */
interface ConnectorSpec {
  /** Connector name; also the slot and publication name (the publications come from sql/migrations). */
  name: string;
  table: string;
  stream: IStream;
  offsetTable: string;
  /** Row of `debezium_heartbeat` this connector upserts. */
  heartbeatRow: number;
  routing: DebeziumRouting;
  /** The signal table this connector reads (incremental snapshots); default none. */
  signalTable?: string;
}

/**
 * The orders connector's signal table (migration 0070, in the `holdline_orders` publication): an `execute-snapshot`
 * row re-reads the orders table incrementally, the recovery after a lost slot (docs/runbooks/slot-lag.md §4).
 */
export const ORDERS_SIGNAL_TABLE = 'public.debezium_signal';

/**
 * Log-based CDC with Debezium Server: one ECS cluster, two connectors. Each connector is its own task
 * definition and service, not a second container in one task, because Debezium Server runs one connector
 * per process and exits when its sink gives up: separate services fail, restart, deploy and alarm on their
 * own, so a stuck order-view feed never stops the outbox that payments depend on. Each has its own slot,
 * publication, offset table and heartbeat row.
 */
export class DebeziumCapture extends Construct {
  /** Absent when the polling relay delivers the outbox (context `relay=polling`): one relay at a time. */
  readonly outbox: DebeziumTask | undefined;
  readonly orders: DebeziumTask;
  /** Present when the stack has change rules. */
  readonly rules: DebeziumTask | undefined;
  /** The replication slots these connectors hold (the slot guard alarms on each). */
  readonly slotNames: string[] = [];

  constructor(scope: Construct, id: string, props: DebeziumCaptureProps) {
    super(scope, id);
    const cluster = new Cluster(this, 'Cluster', {
      vpc: props.network.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });
    const task = (taskId: string, spec: ConnectorSpec): DebeziumTask => {
      this.slotNames.push(spec.name);
      return new DebeziumTask(this, taskId, {
        cluster,
        properties: debeziumProperties(this.input(props.database, spec)),
        stream: spec.stream,
        secret: props.database.cdcSecret,
        database: props.database.connections,
        subnets: props.network.publicSubnets,
        paused: props.paused,
      });
    };
    this.outbox =
      props.outbox === false
        ? undefined
        : task('Outbox', {
            name: 'holdline_outbox',
            table: 'public.outbox',
            stream: props.orderEvents,
            offsetTable: 'debezium_offset_storage',
            heartbeatRow: 1,
            routing: { kind: 'outbox' },
          });
    this.orders = task('Orders', {
      name: 'holdline_orders',
      table: 'public.orders',
      stream: props.orderChanges,
      offsetTable: 'debezium_offset_storage_orders',
      heartbeatRow: 2,
      routing: { kind: 'table', keyColumn: 'id' },
      signalTable: ORDERS_SIGNAL_TABLE,
    });
    this.rules = props.rules === undefined ? undefined : task('Rules', rulesSpec(props.rules));
  }

  private input(database: HoldlineDatabase, spec: ConnectorSpec): DebeziumConnectorInput {
    return {
      name: spec.name,
      database: {
        host: database.writerHost,
        port: database.writerPort,
        dbname: config.databaseName,
        // The writer's certificate checked against Amazon's RDS CAs and the writer's name.
        sslMode: 'verify-full',
        sslRootCert: DEBEZIUM_RDS_CA_PATH,
      },
      slotName: spec.name,
      publicationName: spec.name,
      table: spec.table,
      sink: { streamName: spec.stream.streamName, region: Stack.of(this).region },
      offsetTable: spec.offsetTable,
      heartbeat: { intervalMs: config.debeziumHeartbeatInterval.toMilliseconds(), rowId: spec.heartbeatRow },
      offsetFlushIntervalMs: config.debeziumOffsetFlushInterval.toMilliseconds(),
      pollIntervalMs: config.debeziumPollInterval.toMilliseconds(),
      routing: spec.routing,
      ...(spec.signalTable ? { signalTable: spec.signalTable } : {}),
    };
  }
}

/** The change-rules connector: the plan's tables, keyed by their one key column, plus the bulk marker messages. */
function rulesSpec(rules: NonNullable<DebeziumCaptureProps['rules']>): ConnectorSpec {
  const keys = [...new Set(rules.plan.map((t) => t.keyColumn))];
  // One key transform for all tables: their key columns must agree (all `id` today).
  if (keys.length !== 1)
    throw new Error(`change-rule tables must share one key column name for now; found ${keys.join(', ')}`);
  const tables = rules.plan.map((t) => `public.${t.table}`);
  return {
    name: RULES_PUBLICATION,
    table: tables.join(','),
    stream: rules.stream,
    offsetTable: 'debezium_offset_storage_rules',
    heartbeatRow: 3,
    routing: { kind: 'rules', keyColumn: keys[0]!, tables, messagePrefix: BULK_MESSAGE_PREFIX },
  };
}
