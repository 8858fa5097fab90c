import { describe, expect, it } from 'vitest';
import { binlogPosition, FILE_SEQ_LIMIT, POS_LIMIT, sourceSchema } from './source-position.ts';

const binlog = (file: string, pos: number, row: number) => ({
  version: '3.6.0.Final',
  connector: 'mariadb',
  name: 'holdline_mariadb_orders',
  ts_ms: 1_796_000_000_000,
  snapshot: 'false',
  db: 'holdline',
  table: 'orders',
  server_id: 1,
  gtid: '0-1-42',
  file,
  pos,
  row,
  thread: 7,
  query: null,
});

describe('binlogPosition', () => {
  it('grows with the row inside an event, the event inside a file, and the file', () => {
    const positions = [
      binlogPosition('binlog.000001', 4_000, 0),
      binlogPosition('binlog.000001', 4_000, 1),
      binlogPosition('binlog.000001', 4_300, 0),
      binlogPosition('binlog.000002', 256, 0),
    ] as number[];
    expect(positions.every(Number.isSafeInteger)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('gives a replayed change the same number', () => {
    expect(binlogPosition('binlog.000003', 1234, 2)).toBe(binlogPosition('binlog.000003', 1234, 2));
  });

  it('refuses coordinates beyond its range instead of wrapping', () => {
    expect(binlogPosition(`binlog.${FILE_SEQ_LIMIT}`, 4, 0)).toBeUndefined();
    expect(binlogPosition('binlog.000001', POS_LIMIT - 1, 1)).toBeUndefined();
    expect(binlogPosition('binlog', 4, 0)).toBeUndefined();
    expect(Number.isSafeInteger(binlogPosition(`binlog.${FILE_SEQ_LIMIT - 1}`, POS_LIMIT - 2, 1))).toBe(true);
  });
});

describe('sourceSchema', () => {
  it('reads a MariaDB source block as its binlog position and commit time', () => {
    expect(sourceSchema.parse(binlog('binlog.000002', 1_000, 3))).toEqual({
      position: 2 * POS_LIMIT + 1_003,
      commitTsMs: 1_796_000_000_000,
    });
  });

  it('reads a Postgres source block as its LSN', () => {
    const postgres = {
      connector: 'postgresql',
      lsn: 26_501_944,
      ts_ms: 1,
      table: 'orders',
      schema: 'public',
    };
    expect(sourceSchema.parse(postgres)).toEqual({ position: 26_501_944, commitTsMs: 1 });
  });

  it('names what is wrong with a MariaDB block it cannot order', () => {
    const result = sourceSchema.safeParse({ ...binlog('binlog.000001', POS_LIMIT, 0) });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/beyond the position's 2\^53 range/);
    const noRow = binlog('binlog.000001', 4, 0) as Record<string, unknown>;
    delete noRow.row;
    expect(sourceSchema.safeParse(noRow).error?.issues[0]?.path).toEqual(['row']);
  });

  it('refuses another connector and another table', () => {
    expect(sourceSchema.safeParse({ ...binlog('binlog.000001', 4, 0), connector: 'mysql' }).success).toBe(
      false,
    );
    expect(sourceSchema.safeParse({ ...binlog('binlog.000001', 4, 0), table: 'outbox' }).success).toBe(false);
  });
});
