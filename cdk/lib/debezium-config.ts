/**
 * Debezium Server configuration as plain data: dotted property names → values. The Fargate task passes it as
 * container environment (`toEnvironment`); the local cloud passes the template's container environment to a plain
 * Java process the same way, so both run the same configuration (`fromEnvironment` reads it back, for tests).
 */

/** How captured rows become Kinesis records. */
export type DebeziumRouting =
  /** Outbox Event Router: one record per outbox row, keyed by aggregate id, envelope carries the metadata. */
  | { kind: 'outbox' }
  /** Full change events (before/after/op/source) of a table, keyed by one primary-key column. */
  | { kind: 'table'; keyColumn: string }
  /**
   * The change rules' tables (cdk/lib/change-rules): full change events of each, keyed by `keyColumn`, plus the
   * logical decoding messages whose prefix is `messagePrefix` (the bulk marker), all into one stream. Starts
   * with no snapshot: rules act on changes, and a first start must not, say, mail every existing customer.
   */
  | { kind: 'rules'; keyColumn: string; tables: string[]; messagePrefix: string };

export interface DebeziumConnectorInput {
  /** `topic.prefix`: lowercase letters, digits and `_`; also names the heartbeat topic. */
  name: string;
  database: {
    host: string;
    port: string;
    dbname: string;
    /** `verify-full` in AWS (RDS forces TLS from PostgreSQL 15 on); `disable` against a local server. */
    sslMode: 'disable' | 'prefer' | 'require' | 'verify-full';
    /** PEM file of the CAs `verify-full` trusts (the RDS bundle baked into the image). */
    sslRootCert?: string;
  };
  slotName: string;
  /** Created by the SQL migrations (the outbox one with `publish_via_partition_root`), never by Debezium. */
  publicationName: string;
  /** The captured table, schema-qualified: the routing predicates match it by topic name. With `rules` routing
   *  the tables come from the routing instead, and this is their comma-separated list. */
  table: string;
  sink: { streamName: string; region: string };
  /** Offset table, created by Debezium in schema `cdc`. One per connector: the store rewrites its whole table. */
  offsetTable: string;
  heartbeat: { intervalMs: number; rowId: number };
  offsetFlushIntervalMs: number;
  /** `poll.interval.ms`: the wait on an idle WAL and between sink batches. */
  pollIntervalMs: number;
  routing: DebeziumRouting;
  /**
   * `<schema>.<table>` of the signal table (migration 0070; in the connector's publication, since Debezium reads
   * signals from the WAL): an `execute-snapshot` row starts an incremental snapshot, and Debezium writes its
   * window watermarks there. Default none: the connector takes no signals.
   */
  signalTable?: string;
}

/**
 * Properties that carry credentials: never plain environment. Each maps to the JSON field of the CDC role's
 * Secrets Manager secret that ECS injects (`secrets`), or that the local cloud fills in.
 */
export const DEBEZIUM_SECRET_PROPERTIES: Readonly<Record<string, 'username' | 'password'>> = {
  'debezium.source.database.user': 'username',
  'debezium.source.database.password': 'password',
  'debezium.source.offset.storage.jdbc.connection.user': 'username',
  'debezium.source.offset.storage.jdbc.connection.password': 'password',
};

const TOPIC_NAME_MATCHES = 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches';
const REGEX_ROUTER = 'org.apache.kafka.connect.transforms.RegexRouter';

// Regexes use `[.]`, not `\.`: the value may pass through a .properties file, where `\` is an escape.
const literal = (text: string): string => text.replace(/\./g, '[.]');

/** The Debezium Server properties for one connector, without credentials (see `DEBEZIUM_SECRET_PROPERTIES`). */
export function debeziumProperties(input: DebeziumConnectorInput): Record<string, string> {
  if (!/^[a-z][a-z0-9_]*$/.test(input.name))
    throw new Error(`connector name "${input.name}" must be [a-z][a-z0-9_]*`);
  const { database: db, sink } = input;
  const tableTopic = `${input.name}.${input.table}`;
  const heartbeatTopic = `__debezium-heartbeat.${input.name}`;
  return {
    'debezium.sink.type': 'kinesis',
    'debezium.sink.kinesis.region': sink.region,
    // The key as a bare string (the order id, not `"…"` JSON): a short Kinesis partition key (≤256 chars).
    // The value is plain JSON without the Connect schema.
    'debezium.format.key': 'simplestring',
    'debezium.format.value': 'json',
    'debezium.format.value.schemas.enable': 'false',

    'debezium.source.connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'debezium.source.topic.prefix': input.name,
    'debezium.source.database.hostname': db.host,
    'debezium.source.database.port': db.port,
    'debezium.source.database.dbname': db.dbname,
    'debezium.source.database.sslmode': db.sslMode,
    ...(db.sslRootCert ? { 'debezium.source.database.sslrootcert': db.sslRootCert } : {}),
    'debezium.source.plugin.name': 'pgoutput',
    'debezium.source.slot.name': input.slotName,
    // The slot must survive restarts: dropping it would lose every change made while the task was down.
    'debezium.source.slot.drop.on.stop': 'false',
    'debezium.source.publication.name': input.publicationName,
    'debezium.source.publication.autocreate.mode': 'disabled',
    // The heartbeat table is in the publication but not listed here: its changes still move the connector's
    // WAL position, and the heartbeat record below carries that position to the offset store and the slot.
    'debezium.source.table.include.list':
      input.routing.kind === 'rules' ? input.routing.tables.join(',') : input.table,
    // Snapshot when there is no usable offset (first start, or the slot was invalidated and recreated) instead
    // of failing; downstream dedup absorbs the re-sent rows. Rules never snapshot (see DebeziumRouting).
    'debezium.source.snapshot.mode': input.routing.kind === 'rules' ? 'no_data' : 'when_needed',
    ...(input.routing.kind === 'rules'
      ? {
          'debezium.source.message.prefix.include.list': literal(input.routing.messagePrefix),
          // BEGIN/END records per transaction: the END's change count is the bulk summary's "N rows".
          'debezium.source.provide.transaction.metadata': 'true',
        }
      : {}),
    // The Kinesis sink would write a tombstone as an empty record.
    'debezium.source.tombstones.on.delete': 'false',
    ...(input.routing.kind === 'outbox' ? { 'debezium.source.skipped.operations': 'u,d,t' } : {}),

    // Heartbeats: on a quiet database the action query writes to a published table, so the slot sees a change
    // and confirms a fresh LSN instead of pinning WAL written by everything else.
    'debezium.source.heartbeat.interval.ms': String(input.heartbeat.intervalMs),
    'debezium.source.heartbeat.action.query':
      `INSERT INTO public.debezium_heartbeat (id, beat_at) VALUES (${input.heartbeat.rowId}, now()) ` +
      'ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at',

    // Offsets in Postgres (the Fargate disk is ephemeral). currentSchema puts the table in `cdc`, which the
    // CDC role owns; a schema-qualified table name would defeat the store's "does the table exist" check.
    'debezium.source.offset.storage': 'io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore',
    'debezium.source.offset.storage.jdbc.connection.url': `jdbc:postgresql://${db.host}:${db.port}/${db.dbname}?sslmode=${db.sslMode}${db.sslRootCert ? `&sslrootcert=${db.sslRootCert}` : ''}&currentSchema=cdc`,
    'debezium.source.offset.storage.jdbc.table.name': input.offsetTable,
    'debezium.source.offset.flush.interval.ms': String(input.offsetFlushIntervalMs),
    'debezium.source.poll.interval.ms': String(input.pollIntervalMs),
    ...(input.signalTable ? { 'debezium.source.signal.data.collection': input.signalTable } : {}),

    ...routingProperties(
      input.routing,
      tableTopic,
      heartbeatTopic,
      sink.streamName,
      input.signalTable ? `${input.name}.${input.signalTable}` : undefined,
    ),
  };
}

/** How a MariaDB connector takes its initial (blocking) snapshot: Debezium's `snapshot.locking.mode`. */
export type MariaDbLockingMode =
  /** A global read lock only while the schema is read, then a REPEATABLE READ snapshot (Debezium's default). */
  | 'minimal'
  /** The global read lock for the whole snapshot: writes wait until every row is read. */
  | 'extended'
  /** No lock at all: safe only while no DDL runs. */
  | 'none';

/**
 * A MariaDB binlog capture (Debezium's MariaDB connector, in the same Debezium Server distribution). Offsets and
 * schema history live in files of the server's working directory: no Kafka, and no table in the captured database.
 * Only `table` routing: the outbox stays on Postgres.
 */
export interface MariaDbConnectorInput {
  /** `topic.prefix`, as for Postgres. */
  name: string;
  database: {
    host: string;
    port: string;
    dbname: string;
    /** `database.ssl.mode`: `required` against RDS, `disable` locally. */
    sslMode: 'disable' | 'trust' | 'required';
  };
  /** `database.server.id`: the connector joins replication as this server id; unique among the source's replicas. */
  clientServerId: number;
  /** Captured table, `<database>.<table>`. */
  table: string;
  sink: { streamName: string; region: string };
  /** Files in the server's working directory (relative paths resolve there). */
  storage: { offsetsFile: string; schemaHistoryFile: string };
  heartbeatIntervalMs: number;
  offsetFlushIntervalMs: number;
  pollIntervalMs: number;
  snapshot: {
    /** Default `when_needed`: snapshot on the first start or when the offset's binlog file is gone. */
    mode?: 'when_needed' | 'initial' | 'no_data';
    lockingMode: MariaDbLockingMode;
    /** `incremental.snapshot.chunk.size`; Debezium's default 1024. */
    incrementalChunkSize?: number;
  };
  signals: MariaDbSignals;
  routing: Extract<DebeziumRouting, { kind: 'table' }>;
}

/**
 * How a MariaDB capture is told to snapshot (`execute-snapshot`), and how its incremental snapshots tell a chunk's
 * rows from the changes streamed meanwhile.
 */
export type MariaDbSignals =
  /**
   * Rows in `<database>.debezium_signal` read back from the binlog (Debezium's `source` channel); the connector
   * also writes each chunk's open and close watermarks there, so its user needs INSERT on that table.
   */
  | { kind: 'table'; table: string }
  /**
   * Read-only (`read.only=true`): a chunk's window is bounded by the server's GTID position read before and after
   * the chunk (`gtid_binlog_pos`) instead of watermark rows, so the connector writes nothing: its user needs SELECT
   * and the binlog privileges only. Debezium 3.6's MariaDB connector has it
   * (MariaDbReadOnlyIncrementalSnapshotChangeEventSource; MariaDB's GTIDs are always on).
   */
  | { kind: 'read-only'; from: ReadOnlySignalChannel };

/** Where a read-only capture reads its signals. */
export type ReadOnlySignalChannel =
  /**
   * JSON lines in a file on the capture's own disk (the `file` channel): nothing is written to the source at all.
   * In Debezium 3.6.0.Final the first chunk then runs on the signal thread while the binlog thread moves the same
   * window, and under concurrent writes the connector fails (docs/snapshots.md).
   */
  | {
      channel: 'file';
      /** Relative paths resolve in the server's working directory. */
      file: string;
      /** `signal.poll.interval.ms`: how often the file is read; Debezium's default 5000. */
      pollIntervalMs?: number;
    }
  /**
   * Rows an operator inserts into `<database>.debezium_signal` (on the primary, when the capture reads a replica),
   * read back from the binlog (the `source` channel): the connector still writes nothing.
   */
  | { channel: 'source'; table: string };

/** The connector properties of a capture's signal channel and incremental-snapshot flavour. */
function mariaDbSignalProperties(signals: MariaDbSignals): Record<string, string> {
  if (signals.kind === 'table') return { 'debezium.source.signal.data.collection': signals.table };
  const { from } = signals;
  if (from.channel === 'source')
    return {
      'debezium.source.read.only': 'true',
      'debezium.source.signal.data.collection': from.table,
    };
  return {
    'debezium.source.read.only': 'true',
    // Only the file channel: the default `source` channel would look for signal rows in the source.
    'debezium.source.signal.enabled.channels': 'file',
    'debezium.source.signal.file': from.file,
    ...(from.pollIntervalMs === undefined
      ? {}
      : { 'debezium.source.signal.poll.interval.ms': String(from.pollIntervalMs) }),
  };
}

/**
 * The Debezium Server properties of a MariaDB binlog capture, without credentials (the same
 * `DEBEZIUM_SECRET_PROPERTIES` names as Postgres). Records leave in the same shape as the Postgres `orders`
 * capture: schemaless JSON `{before, after, source, op, ts_ms}` keyed by the bare primary key, heartbeats to the
 * same stream. What differs is the `source` block: binlog `file`/`pos`/`row` and `gtid` instead of `lsn`
 * (lambdas/order-view/source-position.ts reads both).
 */
export function mariaDbDebeziumProperties(input: MariaDbConnectorInput): Record<string, string> {
  if (!/^[a-z][a-z0-9_]*$/.test(input.name))
    throw new Error(`connector name "${input.name}" must be [a-z][a-z0-9_]*`);
  if (!/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/.test(input.table))
    throw new Error(`table "${input.table}" must be <database>.<table>`);
  const { database: db, sink, snapshot } = input;
  const tableTopic = `${input.name}.${input.table}`;
  return {
    'debezium.sink.type': 'kinesis',
    'debezium.sink.kinesis.region': sink.region,
    'debezium.format.key': 'simplestring',
    'debezium.format.value': 'json',
    'debezium.format.value.schemas.enable': 'false',

    'debezium.source.connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'debezium.source.topic.prefix': input.name,
    'debezium.source.database.hostname': db.host,
    'debezium.source.database.port': db.port,
    'debezium.source.database.ssl.mode': db.sslMode,
    'debezium.source.database.server.id': String(input.clientServerId),
    'debezium.source.database.include.list': db.dbname,
    'debezium.source.table.include.list': input.table,
    // Schema changes would be records of their own, and the route below sends every topic to the one stream.
    'debezium.source.include.schema.changes': 'false',
    'debezium.source.snapshot.mode': snapshot.mode ?? 'when_needed',
    'debezium.source.snapshot.locking.mode': snapshot.lockingMode,
    'debezium.source.incremental.snapshot.chunk.size': String(snapshot.incrementalChunkSize ?? 1024),
    ...mariaDbSignalProperties(input.signals),
    'debezium.source.tombstones.on.delete': 'false',
    // A heartbeat record carries the binlog position to the offset store on a quiet table. There is no slot to
    // advance (the server expires binlogs by age), so no action query.
    'debezium.source.heartbeat.interval.ms': String(input.heartbeatIntervalMs),

    'debezium.source.offset.storage': 'org.apache.kafka.connect.storage.FileOffsetBackingStore',
    'debezium.source.offset.storage.file.filename': input.storage.offsetsFile,
    'debezium.source.schema.history.internal': 'io.debezium.storage.file.history.FileSchemaHistory',
    'debezium.source.schema.history.internal.file.filename': input.storage.schemaHistoryFile,
    'debezium.source.offset.flush.interval.ms': String(input.offsetFlushIntervalMs),
    'debezium.source.poll.interval.ms': String(input.pollIntervalMs),

    ...routingProperties(
      input.routing,
      tableTopic,
      `__debezium-heartbeat.${input.name}`,
      sink.streamName,
      signalTableOf(input.signals) && `${input.name}.${signalTableOf(input.signals)}`,
    ),
  };
}

/** The table whose rows carry a capture's signals, if any (a file channel has none). */
function signalTableOf(signals: MariaDbSignals): string | undefined {
  if (signals.kind === 'table') return signals.table;
  return signals.from.channel === 'source' ? signals.from.table : undefined;
}

/**
 * Transforms that name the Kinesis stream of every record. Heartbeat records go to the same stream as the
 * data: an offset is only committed for a record the sink accepted, so a dropped heartbeat would never move
 * the slot, and a heartbeat topic of its own would need a stream that does not exist. Consumers skip records
 * without an event id (outbox) or without `op` (table changes). Rows of the signal table (`signalTopic`: the
 * signals and Debezium's snapshot watermarks) are change events too; they are dropped before the stream, where the
 * order view would read them as malformed orders.
 */
function routingProperties(
  routing: DebeziumRouting,
  tableTopic: string,
  heartbeatTopic: string,
  streamName: string,
  signalTopic?: string | undefined,
): Record<string, string> {
  if (routing.kind === 'outbox') {
    return {
      // Names are lowercase letters only: environment variables map back to properties lowercased, `_` → `.`.
      'debezium.transforms': 'outbox,heartbeat',
      'debezium.transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
      'debezium.transforms.outbox.predicate': 'outboxtable',
      'debezium.transforms.outbox.route.by.field': 'aggregate_type',
      // A constant replacement: every aggregate type goes to the one stream; ordering is per partition key.
      'debezium.transforms.outbox.route.topic.replacement': streamName,
      'debezium.transforms.outbox.table.field.event.id': 'event_id',
      'debezium.transforms.outbox.table.field.event.key': 'aggregate_id',
      'debezium.transforms.outbox.table.field.event.payload': 'payload',
      // Kinesis records have no headers, so everything a consumer needs goes into the envelope (camelCase, as
      // in lambdas/orders/order-events.ts). The payload stays JSON text: expanding it is schema inference.
      'debezium.transforms.outbox.table.fields.additional.placement': [
        'event_id:envelope:eventId',
        'aggregate_type:envelope:aggregateType',
        'aggregate_id:envelope:aggregateId',
        'sequence:envelope:sequence',
        'event_type:envelope:eventType',
        'occurred_at:envelope:occurredAt',
        'trace_context:envelope:traceContext',
      ].join(','),
      // Outbox rows are events: only inserts are. The polling relay's "sent" marker (published_at, migration
      // 0007) is an UPDATE, so the connector drops updates (and deletes, truncates) of the outbox before the
      // router sees them (`skipped.operations`, Debezium 3.6 CommonConnectorConfig; default `t`). Anything else
      // that is not a create is still skipped and logged as an error by the router (SKIP_AND_ERROR).
      'debezium.transforms.outbox.table.op.invalid.behavior': 'error',
      'debezium.transforms.heartbeat.type': REGEX_ROUTER,
      'debezium.transforms.heartbeat.predicate': 'heartbeattopic',
      'debezium.transforms.heartbeat.regex': '.*',
      'debezium.transforms.heartbeat.replacement': streamName,
      'debezium.predicates': 'outboxtable,heartbeattopic',
      'debezium.predicates.outboxtable.type': TOPIC_NAME_MATCHES,
      'debezium.predicates.outboxtable.pattern': literal(tableTopic),
      'debezium.predicates.heartbeattopic.type': TOPIC_NAME_MATCHES,
      'debezium.predicates.heartbeattopic.pattern': literal(heartbeatTopic),
    };
  }
  // Table routing: one table's topic, or (change rules) every rule table's, under this connector's prefix.
  const capturedPattern =
    routing.kind === 'rules'
      ? `${literal(tableTopic.split('.')[0]!)}[.](${routing.tables.map((t) => literal(t)).join('|')})`
      : literal(tableTopic);
  const dropSignals: Record<string, string> = signalTopic
    ? {
        'debezium.transforms.dropsignals.type': 'org.apache.kafka.connect.transforms.Filter',
        'debezium.transforms.dropsignals.predicate': 'signaltable',
        'debezium.predicates.signaltable.type': TOPIC_NAME_MATCHES,
        'debezium.predicates.signaltable.pattern': literal(signalTopic),
      }
    : {};
  return {
    'debezium.transforms': signalTopic ? 'dropsignals,key,route' : 'key,route',
    // Partition key = the bare primary key (the order id), the same form as the outbox stream's key
    // (aggregate_id), instead of a JSON object of every key column; one row's changes stay in order on one
    // shard. WAL messages (the rules' bulk marker) have no key (the sink's `null.key`): the predicate skips them.
    'debezium.transforms.key.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
    'debezium.transforms.key.field': routing.keyColumn,
    'debezium.transforms.key.predicate': 'capturedtable',
    // Data and heartbeats alike go to the one stream.
    'debezium.transforms.route.type': REGEX_ROUTER,
    'debezium.transforms.route.regex': '.*',
    'debezium.transforms.route.replacement': streamName,
    'debezium.predicates': signalTopic ? 'capturedtable,signaltable' : 'capturedtable',
    'debezium.predicates.capturedtable.type': TOPIC_NAME_MATCHES,
    'debezium.predicates.capturedtable.pattern': capturedPattern,
    ...dropSignals,
  };
}

const ENV_SAFE_PROPERTY = /^[a-z][a-z0-9]*(\.[a-z0-9]+)*$/;

/** Environment variable name MicroProfile Config maps to a property: uppercase, dots → underscores. */
export function environmentName(property: string): string {
  // Debezium Server maps an environment name back by lowercasing and turning `_` into `.`; a property with
  // uppercase, `_` or `-` would come back as a different name, so refuse it here.
  if (!ENV_SAFE_PROPERTY.test(property))
    throw new Error(`property "${property}" cannot round-trip through the environment`);
  return property.toUpperCase().replace(/\./g, '_');
}

/** Properties → container environment. */
export function toEnvironment(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, value]) => [environmentName(name), value]),
  );
}

/** Container environment → properties (entries not prefixed `DEBEZIUM_` or `QUARKUS_` are left out). */
export function fromEnvironment(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment)
      .filter(([name]) => /^(DEBEZIUM|QUARKUS)_/.test(name))
      .map(([name, value]) => [name.toLowerCase().replace(/_/g, '.'), value]),
  );
}
