import { describe, expect, it } from 'vitest';
import {
  changeData,
  confirmed,
  created,
  heartbeat,
  incrementalReadData,
  insert,
  remove,
  row,
  update,
} from './fixtures/debezium-changes.ts';
import { mariaDbDelete, mariaDbInsert } from './fixtures/mariadb-changes.ts';
import { POS_LIMIT } from './source-position.ts';
import { parseViewChange } from './view-change.ts';

describe('parseViewChange', () => {
  it('reads an insert as an upsert of the after-image at its LSN and commit time', () => {
    expect(parseViewChange(insert.data)).toEqual({
      kind: 'upsert',
      op: 'c',
      orderId: created.id,
      after: created,
      before: null,
      position: { lsn: 26501176, commitTsMs: 1795529781692 },
    });
  });

  it('keeps the full before-image of an update', () => {
    const change = parseViewChange(update.data);
    expect(change).toMatchObject({ kind: 'upsert', op: 'u', before: created, after: confirmed });
  });

  it('reads a delete with its full before-image and no after-image', () => {
    expect(parseViewChange(remove.data)).toEqual({
      kind: 'delete',
      op: 'd',
      orderId: confirmed.id,
      before: confirmed,
      position: { lsn: 26502392, commitTsMs: 1795529781694 },
    });
  });

  it('reads a snapshot read like an insert', () => {
    expect(parseViewChange(changeData('r', { after: created }, 10))).toMatchObject({
      kind: 'upsert',
      op: 'r',
    });
  });

  it("recognises Debezium's heartbeat and nothing that merely looks like one", () => {
    expect(parseViewChange(heartbeat.data)).toEqual({ kind: 'heartbeat' });
    expect(parseViewChange('{"ts_ms":1,"extra":true}')).toMatchObject({ kind: 'invalid' });
  });

  it('calls data that is not JSON invalid instead of throwing', () => {
    expect(parseViewChange('not json')).toEqual({ kind: 'invalid', reason: 'data is not JSON' });
  });

  it('names the order of a change it cannot use', () => {
    const parsed = JSON.parse(update.data);
    delete parsed.source.lsn;
    expect(parseViewChange(JSON.stringify(parsed))).toMatchObject({
      kind: 'invalid',
      orderId: confirmed.id,
      reason: expect.stringContaining('source.lsn'),
    });
  });

  it('refuses an unknown op, a delete without a before-image, and another table', () => {
    const truncate = JSON.parse(insert.data);
    truncate.op = 't';
    const otherTable = JSON.parse(insert.data);
    otherTable.source.table = 'outbox';
    for (const data of [
      JSON.stringify(truncate),
      changeData('d', { before: null }, 5),
      JSON.stringify(otherTable),
      changeData('c', { after: row({ id: 42 as unknown as string }) }, 5),
    ])
      expect(parseViewChange(data)).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a row whose shape the readers cannot read, naming the column (a migration under raw CDC)', () => {
    const { customer_id: _renamed, ...renamed } = row({ customer_ref: 'c1' });
    const { items: _moved, ...moved } = row();
    const cases = [
      [changeData('c', { after: renamed as ReturnType<typeof row> }, 5), 'customer_id'],
      [changeData('u', { before: created, after: moved as ReturnType<typeof row> }, 6), 'items'],
      [changeData('c', { after: row({ total_cents: 'AYag' }) }, 7), 'total_cents'],
    ] as const;
    for (const [data, column] of cases) {
      const change = parseViewChange(data);
      expect(change).toMatchObject({ kind: 'invalid', orderId: created.id });
      expect(change.kind === 'invalid' ? change.reason : '').toContain(column);
    }
    // A column added by a migration is kept, not refused.
    expect(parseViewChange(changeData('c', { after: row({ sales_channel: 'web' }) }, 8))).toMatchObject({
      kind: 'upsert',
      after: { sales_channel: 'web' },
    });
  });

  it('refuses an LSN JSON could not carry exactly', () => {
    expect(parseViewChange(changeData('c', { after: created }, 2 ** 53 + 2))).toMatchObject({
      kind: 'invalid',
    });
  });

  it('reads a MariaDB insert the same way, positioned by its binlog coordinates instead of an LSN', () => {
    expect(parseViewChange(JSON.stringify(mariaDbInsert))).toEqual({
      kind: 'upsert',
      op: 'c',
      orderId: mariaDbInsert.after.id,
      after: mariaDbInsert.after,
      before: null,
      position: { lsn: 1 * POS_LIMIT + 3966, commitTsMs: 1796534635000 },
    });
  });

  it('reads a MariaDB delete with its full before-image at a later position than the insert', () => {
    const change = parseViewChange(JSON.stringify(mariaDbDelete));
    expect(change).toMatchObject({ kind: 'delete', before: { status: 'confirmed', version: 2 } });
    const insert = parseViewChange(JSON.stringify(mariaDbInsert));
    if (change.kind !== 'delete' || insert.kind !== 'upsert') throw new Error('unexpected kinds');
    expect(change.position.lsn).toBeGreaterThan(insert.position.lsn ?? Number.POSITIVE_INFINITY);
  });

  it('reads an incremental snapshot read without an LSN as an upsert with no position', () => {
    expect(parseViewChange(incrementalReadData(confirmed))).toMatchObject({
      kind: 'upsert',
      op: 'r',
      after: { version: 2 },
      position: { lsn: null, commitTsMs: 1795529790000 },
    });
  });

  it('refuses a change without an LSN that is not an incremental snapshot read', () => {
    const blockingRead = JSON.parse(incrementalReadData(confirmed));
    blockingRead.source.snapshot = 'true';
    expect(parseViewChange(JSON.stringify(blockingRead))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('no LSN'),
    });
    const update = JSON.parse(incrementalReadData(confirmed));
    update.op = 'u';
    update.before = created;
    expect(parseViewChange(JSON.stringify(update))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('cannot be ordered'),
      orderId: confirmed.id,
    });
  });
});
