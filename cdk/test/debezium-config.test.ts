import { describe, expect, it } from 'vitest';
import {
  DEBEZIUM_SECRET_PROPERTIES,
  type DebeziumConnectorInput,
  debeziumProperties,
  environmentName,
  fromEnvironment,
  type MariaDbConnectorInput,
  mariaDbDebeziumProperties,
  toEnvironment,
} from '../lib/debezium-config.ts';
import { outboxConnectorInput } from './debezium-inputs.ts';

const outbox = outboxConnectorInput;
const orders: DebeziumConnectorInput = {
  ...outbox,
  name: 'holdline_orders',
  slotName: 'holdline_orders',
  publicationName: 'holdline_orders',
  table: 'public.orders',
  sink: { streamName: 'order-changes', region: 'eu-west-1' },
  offsetTable: 'debezium_offset_storage_orders',
  heartbeat: { intervalMs: 10_000, rowId: 2 },
  routing: { kind: 'table', keyColumn: 'id' },
  signalTable: 'public.debezium_signal',
};

describe('debeziumProperties', () => {
  it('streams with pgoutput from the pre-created slot and publication', () => {
    expect(debeziumProperties(outbox)).toMatchObject({
      'debezium.source.connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'debezium.source.plugin.name': 'pgoutput',
      'debezium.source.slot.name': 'holdline_outbox',
      'debezium.source.slot.drop.on.stop': 'false',
      'debezium.source.publication.name': 'holdline_outbox',
      'debezium.source.publication.autocreate.mode': 'disabled',
      'debezium.source.table.include.list': 'public.outbox',
      'debezium.source.snapshot.mode': 'when_needed',
    });
  });

  it('routes outbox rows to the stream keyed by aggregate id, with the event metadata in the envelope', () => {
    const props = debeziumProperties(outbox);
    expect(props).toMatchObject({
      'debezium.transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
      'debezium.transforms.outbox.route.by.field': 'aggregate_type',
      'debezium.transforms.outbox.route.topic.replacement': 'order-events',
      'debezium.transforms.outbox.table.field.event.key': 'aggregate_id',
      'debezium.transforms.outbox.table.field.event.id': 'event_id',
      'debezium.transforms.outbox.table.field.event.payload': 'payload',
    });
    const placement = props['debezium.transforms.outbox.table.fields.additional.placement']!.split(',');
    for (const column of ['event_id', 'event_type', 'sequence', 'trace_context']) {
      expect(placement.find((p) => p.startsWith(`${column}:`))).toMatch(new RegExp(`^${column}:envelope:`));
    }
  });

  it('drops outbox updates and deletes at the connector, so the polling relay marking a row sent never re-publishes it', () => {
    expect(debeziumProperties(outbox)['debezium.source.skipped.operations']).toBe('u,d,t');
    expect(debeziumProperties(outbox)['debezium.transforms.outbox.table.op.invalid.behavior']).toBe('error');
  });

  it('keeps every update and delete of the orders capture (the order view needs them)', () => {
    expect(debeziumProperties(orders)).not.toHaveProperty('debezium.source.skipped.operations');
  });

  it('applies the outbox router only to the outbox topic', () => {
    const props = debeziumProperties(outbox);
    expect(props['debezium.transforms.outbox.predicate']).toBe('outboxtable');
    expect(
      new RegExp(`^${props['debezium.predicates.outboxtable.pattern']}$`).test(
        'holdline_outbox.public.outbox',
      ),
    ).toBe(true);
    expect(
      new RegExp(`^${props['debezium.predicates.outboxtable.pattern']}$`).test(
        'holdline_outboxXpublicXoutbox',
      ),
    ).toBe(false);
  });

  it('upserts its own heartbeat row so an idle slot still confirms a fresh LSN', () => {
    const props = debeziumProperties(outbox);
    expect(props['debezium.source.heartbeat.interval.ms']).toBe('10000');
    expect(props['debezium.source.heartbeat.action.query']).toMatch(
      /^INSERT INTO public\.debezium_heartbeat \(id, beat_at\) VALUES \(1, now\(\)\) ON CONFLICT \(id\) DO UPDATE/,
    );
    expect(debeziumProperties(orders)['debezium.source.heartbeat.action.query']).toContain(
      'VALUES (2, now())',
    );
  });

  it('sends heartbeat records to the connector stream, since only delivered records commit offsets', () => {
    for (const [input, transform] of [
      [outbox, 'heartbeat'],
      [orders, 'route'],
    ] as const) {
      const props = debeziumProperties(input);
      expect(props[`debezium.transforms.${transform}.type`]).toBe(
        'org.apache.kafka.connect.transforms.RegexRouter',
      );
      expect(props[`debezium.transforms.${transform}.replacement`]).toBe(input.sink.streamName);
    }
    const heartbeatPattern = new RegExp(
      `^${debeziumProperties(outbox)['debezium.predicates.heartbeattopic.pattern']}$`,
    );
    expect(heartbeatPattern.test('__debezium-heartbeat.holdline_outbox')).toBe(true);
  });

  it('keeps offsets in its own JDBC table in schema cdc', () => {
    expect(debeziumProperties(outbox)).toMatchObject({
      'debezium.source.offset.storage': 'io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore',
      'debezium.source.offset.storage.jdbc.connection.url':
        'jdbc:postgresql://db.example:5432/holdline?sslmode=require&currentSchema=cdc',
      'debezium.source.offset.storage.jdbc.table.name': 'debezium_offset_storage',
    });
    expect(debeziumProperties(orders)['debezium.source.offset.storage.jdbc.table.name']).not.toBe(
      debeziumProperties(outbox)['debezium.source.offset.storage.jdbc.table.name'],
    );
  });

  it('writes schemaless JSON keyed by a bare string to the Kinesis sink in the given region', () => {
    expect(debeziumProperties(outbox)).toMatchObject({
      'debezium.sink.type': 'kinesis',
      'debezium.sink.kinesis.region': 'eu-west-1',
      'debezium.format.key': 'simplestring',
      'debezium.format.value.schemas.enable': 'false',
    });
  });

  it('captures orders as full change events keyed by the bare order id, without the outbox router', () => {
    const props = debeziumProperties(orders);
    expect(props).toMatchObject({
      'debezium.source.slot.name': 'holdline_orders',
      'debezium.source.publication.name': 'holdline_orders',
      'debezium.source.table.include.list': 'public.orders',
      'debezium.transforms': 'dropsignals,key,route',
      'debezium.transforms.key.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
      'debezium.transforms.key.field': 'id',
      'debezium.transforms.route.replacement': 'order-changes',
    });
    expect(Object.values(props)).not.toContain('io.debezium.transforms.outbox.EventRouter');
  });

  it('reads incremental-snapshot signals from the signal table it is given, and none without one', () => {
    expect(debeziumProperties(orders)['debezium.source.signal.data.collection']).toBe(
      'public.debezium_signal',
    );
    expect(debeziumProperties(outbox)).not.toHaveProperty('debezium.source.signal.data.collection');
  });

  it("drops the signal table's rows (signals, snapshot watermarks) before they reach the stream", () => {
    const props = debeziumProperties(orders);
    expect(props['debezium.transforms']!.split(',')[0]).toBe('dropsignals');
    expect(props).toMatchObject({
      'debezium.transforms.dropsignals.type': 'org.apache.kafka.connect.transforms.Filter',
      'debezium.transforms.dropsignals.predicate': 'signaltable',
    });
    const pattern = new RegExp(`^${props['debezium.predicates.signaltable.pattern']}$`);
    expect(pattern.test('holdline_orders.public.debezium_signal')).toBe(true);
    expect(pattern.test('holdline_orders.public.orders')).toBe(false);
    const { signalTable: _none, ...withoutSignals } = orders;
    expect(debeziumProperties(withoutSignals)['debezium.transforms']).toBe('key,route');
  });

  it('never carries credentials', () => {
    for (const input of [outbox, orders]) {
      const props = debeziumProperties(input);
      for (const secret of Object.keys(DEBEZIUM_SECRET_PROPERTIES)) expect(props).not.toHaveProperty(secret);
    }
  });

  it('rejects a connector name that cannot be a topic prefix', () => {
    expect(() => debeziumProperties({ ...outbox, name: 'Holdline-Outbox' })).toThrow(/connector name/);
  });
});

describe('toEnvironment / fromEnvironment', () => {
  it('round-trips every property of both connectors through the container environment', () => {
    for (const input of [outbox, orders]) {
      const props = debeziumProperties(input);
      expect(fromEnvironment(toEnvironment(props))).toEqual(props);
    }
  });

  it('maps dotted names the way MicroProfile Config reads them', () => {
    expect(toEnvironment({ 'debezium.source.database.hostname': 'h' })).toEqual({
      DEBEZIUM_SOURCE_DATABASE_HOSTNAME: 'h',
    });
    expect(environmentName('debezium.source.database.password')).toBe('DEBEZIUM_SOURCE_DATABASE_PASSWORD');
  });

  it('refuses a property that would come back under another name', () => {
    expect(() => toEnvironment({ 'debezium.transforms.myRouter.type': 'x' })).toThrow(/round-trip/);
    expect(() => toEnvironment({ 'debezium.source.offset_table_name': 'x' })).toThrow(/round-trip/);
  });

  it('ignores environment that is not Debezium or Quarkus configuration', () => {
    expect(fromEnvironment({ JAVA_OPTS: '-Xmx1g', DEBEZIUM_SINK_TYPE: 'kinesis' })).toEqual({
      'debezium.sink.type': 'kinesis',
    });
  });
});

describe('mariaDbDebeziumProperties', () => {
  const mariadb: MariaDbConnectorInput = {
    name: 'holdline_mariadb_orders',
    database: { host: 'db.example', port: '3306', dbname: 'holdline', sslMode: 'required' },
    clientServerId: 5401,
    table: 'holdline.orders',
    sink: { streamName: 'order-changes', region: 'eu-west-1' },
    storage: { offsetsFile: 'offsets.dat', schemaHistoryFile: 'schema-history.dat' },
    heartbeatIntervalMs: 10_000,
    offsetFlushIntervalMs: 1000,
    pollIntervalMs: 50,
    snapshot: { lockingMode: 'minimal' },
    signals: { kind: 'table', table: 'holdline.debezium_signal' },
    routing: { kind: 'table', keyColumn: 'id' },
  };

  it('reads the binlog with the MariaDB connector as its own replication client id', () => {
    expect(mariaDbDebeziumProperties(mariadb)).toMatchObject({
      'debezium.source.connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
      'debezium.source.database.server.id': '5401',
      'debezium.source.database.include.list': 'holdline',
      'debezium.source.table.include.list': 'holdline.orders',
      'debezium.source.database.ssl.mode': 'required',
      'debezium.source.snapshot.mode': 'when_needed',
      'debezium.source.snapshot.locking.mode': 'minimal',
      'debezium.source.signal.data.collection': 'holdline.debezium_signal',
    });
  });

  it('keeps offsets and schema history in files, never in Kafka', () => {
    const props = mariaDbDebeziumProperties(mariadb);
    expect(props).toMatchObject({
      'debezium.source.offset.storage': 'org.apache.kafka.connect.storage.FileOffsetBackingStore',
      'debezium.source.offset.storage.file.filename': 'offsets.dat',
      'debezium.source.schema.history.internal': 'io.debezium.storage.file.history.FileSchemaHistory',
      'debezium.source.schema.history.internal.file.filename': 'schema-history.dat',
    });
    expect(Object.keys(props).filter((k) => /kafka\.bootstrap|bootstrap\.servers/.test(k))).toEqual([]);
  });

  it('writes the same record shape as the Postgres orders capture: bare id key, one stream, no schema events', () => {
    const props = mariaDbDebeziumProperties(mariadb);
    const postgres = debeziumProperties(orders);
    for (const key of [
      'debezium.sink.type',
      'debezium.format.key',
      'debezium.format.value',
      'debezium.format.value.schemas.enable',
      'debezium.transforms',
      'debezium.transforms.key.type',
      'debezium.transforms.key.field',
      'debezium.transforms.route.regex',
      'debezium.transforms.route.replacement',
      'debezium.source.tombstones.on.delete',
    ])
      expect(props[key], key).toBe(postgres[key]);
    expect(props['debezium.source.include.schema.changes']).toBe('false');
    expect(
      new RegExp(`^${props['debezium.predicates.capturedtable.pattern']}$`).test(
        'holdline_mariadb_orders.holdline.orders',
      ),
    ).toBe(true);
  });

  it('takes the locking mode it is given, for the snapshot-freeze comparison', () => {
    for (const lockingMode of ['minimal', 'extended', 'none'] as const)
      expect(
        mariaDbDebeziumProperties({ ...mariadb, snapshot: { lockingMode } })[
          'debezium.source.snapshot.locking.mode'
        ],
      ).toBe(lockingMode);
  });

  it('snapshots read-only on request: GTID watermarks, signals from a file, no signal table', () => {
    const props = mariaDbDebeziumProperties({
      ...mariadb,
      snapshot: { mode: 'no_data', lockingMode: 'none' },
      signals: { kind: 'read-only', from: { channel: 'file', file: 'signals.jsonl', pollIntervalMs: 1000 } },
    });
    expect(props).toMatchObject({
      'debezium.source.read.only': 'true',
      'debezium.source.signal.enabled.channels': 'file',
      'debezium.source.signal.file': 'signals.jsonl',
      'debezium.source.signal.poll.interval.ms': '1000',
    });
    // Any of these would make the connector write to (or expect) a table in the source.
    expect(props).not.toHaveProperty('debezium.source.signal.data.collection');
    expect(fromEnvironment(toEnvironment(props))).toEqual(props);
  });

  it('snapshots read-only with signal rows an operator writes, the connector writing none itself', () => {
    const props = mariaDbDebeziumProperties({
      ...mariadb,
      signals: { kind: 'read-only', from: { channel: 'source', table: 'holdline.debezium_signal' } },
    });
    expect(props).toMatchObject({
      'debezium.source.read.only': 'true',
      'debezium.source.signal.data.collection': 'holdline.debezium_signal',
    });
    expect(props).not.toHaveProperty('debezium.source.signal.enabled.channels');
  });

  it('keeps the signal table, and is not read-only, by default', () => {
    const props = mariaDbDebeziumProperties(mariadb);
    expect(props).not.toHaveProperty('debezium.source.read.only');
    expect(props).not.toHaveProperty('debezium.source.signal.enabled.channels');
  });

  it('never carries credentials, and round-trips through the container environment', () => {
    const props = mariaDbDebeziumProperties(mariadb);
    for (const secret of Object.keys(DEBEZIUM_SECRET_PROPERTIES)) expect(props).not.toHaveProperty(secret);
    expect(fromEnvironment(toEnvironment(props))).toEqual(props);
  });

  it('rejects a table that is not <database>.<table>', () => {
    expect(() => mariaDbDebeziumProperties({ ...mariadb, table: 'orders' })).toThrow(/<database>\.<table>/);
  });
});

describe('debeziumProperties for the change rules', () => {
  const rules: DebeziumConnectorInput = {
    ...orders,
    name: 'holdline_rules',
    signalTable: undefined,
    slotName: 'holdline_rules',
    publicationName: 'holdline_rules',
    table: 'public.customers,public.orders',
    offsetTable: 'debezium_offset_storage_rules',
    routing: {
      kind: 'rules',
      keyColumn: 'id',
      tables: ['public.customers', 'public.orders'],
      messagePrefix: 'holdline.bulk',
    },
  };
  const properties = debeziumProperties(rules);

  it('captures every rule table, without a snapshot, with the bulk marker and transaction boundaries', () => {
    expect(properties).toMatchObject({
      'debezium.source.table.include.list': 'public.customers,public.orders',
      'debezium.source.snapshot.mode': 'no_data',
      'debezium.source.message.prefix.include.list': 'holdline[.]bulk',
      'debezium.source.provide.transaction.metadata': 'true',
    });
  });

  it('keys each table row by its primary key and routes everything to the one stream', () => {
    expect(properties).toMatchObject({
      'debezium.transforms': 'key,route',
      'debezium.transforms.key.field': 'id',
      'debezium.predicates.capturedtable.pattern': 'holdline_rules[.](public[.]customers|public[.]orders)',
      'debezium.transforms.route.replacement': 'order-changes',
    });
  });

  it('round-trips through the container environment', () => {
    expect(fromEnvironment(toEnvironment(properties))).toEqual(properties);
  });
});
