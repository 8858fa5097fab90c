import type { DebeziumConnectorInput } from '../lib/debezium-config.ts';

/** A representative outbox connector input for tests of the Debezium configuration. */
export const outboxConnectorInput: DebeziumConnectorInput = {
  name: 'holdline_outbox',
  database: { host: 'db.example', port: '5432', dbname: 'holdline', sslMode: 'require' },
  slotName: 'holdline_outbox',
  publicationName: 'holdline_outbox',
  table: 'public.outbox',
  sink: { streamName: 'order-events', region: 'eu-west-1' },
  offsetTable: 'debezium_offset_storage',
  heartbeat: { intervalMs: 10_000, rowId: 1 },
  offsetFlushIntervalMs: 1000,
  pollIntervalMs: 50,
  routing: { kind: 'outbox' },
};
