import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimHeadsSql, claimRowsSql } from './claim-sql.ts';
import { relayOnce } from './relay.ts';
import type { EntryResult, OrderedRecord } from './waves.ts';

// Against the globalSetup Postgres (migrated). The relay's rows are written with published_at NULL explicitly,
// so the database's relay mode (cdc by default) does not matter here.
const admin = () => new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
const app = () => new pg.Client({ connectionString: process.env.DATABASE_URL });

async function addEvents(db: pg.Client, aggregateId: string, sequences: number[]): Promise<string[]> {
  const ids = sequences.map(() => uuidv7());
  await db.query(
    `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, published_at)
     SELECT e, 'order', $2, s, 'OrderPlaced', '{}'::jsonb, NULL FROM unnest($1::uuid[], $3::bigint[]) AS t(e, s)`,
    [ids, aggregateId, sequences],
  );
  return ids;
}

describe('polling relay against Postgres', () => {
  let owner: pg.Client;
  let a: pg.Client;
  let b: pg.Client;

  beforeAll(async () => {
    owner = admin();
    a = app();
    b = app();
    await Promise.all([owner.connect(), a.connect(), b.connect()]);
  });
  afterAll(async () => {
    await Promise.all([owner.end(), a.end(), b.end()]);
  });
  beforeEach(async () => {
    await owner.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL');
  });

  it('gives an aggregate to one replica at a time: the second replica skips it, even its later rows', async () => {
    await addEvents(owner, 'it-agg-1', [1, 2, 3]);
    await addEvents(owner, 'it-agg-2', [1]);

    await a.query('BEGIN');
    const first = await a.query<{ aggregate_id: string }>(claimHeadsSql(), [1]);
    await b.query('BEGIN');
    const second = await b.query<{ aggregate_id: string }>(claimHeadsSql(), [10]);
    const secondRows = await b.query<{ aggregate_id: string }>(claimRowsSql(), [
      second.rows.map((r) => r.aggregate_id),
      100,
    ]);
    await b.query('ROLLBACK');
    await a.query('ROLLBACK');

    expect(first.rows.map((r) => r.aggregate_id)).toEqual(['it-agg-1']);
    expect(second.rows.map((r) => r.aggregate_id)).toEqual(['it-agg-2']);
    expect(secondRows.rows.every((r) => r.aggregate_id === 'it-agg-2')).toBe(true);
  });

  it('publishes an aggregate in sequence order and marks exactly what Kinesis accepted', async () => {
    const ids = await addEvents(owner, 'it-agg-3', [1, 2, 3]);
    const calls: OrderedRecord[][] = [];
    // The second record fails every time: it and the third stay unsent; the first is marked.
    const put = async (entries: readonly OrderedRecord[]): Promise<EntryResult[]> => {
      calls.push([...entries]);
      return entries.map((e) => ({ ok: e.eventId !== ids[1] }));
    };

    const result = await relayOnce(
      a,
      put,
      { maxAggregates: 10, maxRows: 100 },
      {},
      { sleep: async () => {} },
    );

    expect(result).toMatchObject({ claimed: 3, sent: 1, heldBack: 2 });
    expect(calls.flat().map((e) => e.eventId)).toEqual([ids[0], ids[1], ids[1], ids[1]]);
    const unsent = await owner.query<{ event_id: string }>(
      "SELECT event_id FROM outbox WHERE aggregate_id = 'it-agg-3' AND published_at IS NULL ORDER BY sequence",
    );
    expect(unsent.rows.map((r) => r.event_id)).toEqual([ids[1], ids[2]]);
  });

  it('leaves every row unsent when the process fails before COMMIT, so they are published again', async () => {
    await addEvents(owner, 'it-agg-4', [1, 2]);
    await expect(
      relayOnce(a, async (entries) => entries.map(() => ({ ok: true })), undefined, {
        published: () => {
          throw new Error('crash between publish and mark');
        },
      }),
    ).rejects.toThrow('crash between publish and mark');
    const unsent = await owner.query(
      "SELECT count(*)::int AS n FROM outbox WHERE aggregate_id = 'it-agg-4' AND published_at IS NULL",
    );
    expect(unsent.rows[0].n).toBe(2);
  });
});
