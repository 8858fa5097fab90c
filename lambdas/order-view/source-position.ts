import { z } from 'zod';

/**
 * Where a change sits in its source's log, as ONE number that grows with every change of a row: the view's write
 * guard (`sourceLsn < :position`, view-item.ts) needs nothing more. The two sources' `source` blocks:
 *
 * - Postgres (`connector: "postgresql"`): `lsn`, the change's own WAL position.
 * - MariaDB (`connector: "mariadb"`): no LSN. `file` (`binlog.000042`), `pos` (byte offset of the rows event in
 *   that file) and `row` (0-based row within the event). The number is `fileSeq · 2^32 + pos + row`: files are
 *   numbered in order; within a file events start at increasing offsets, and every row of an event takes at least
 *   one byte of it, so `pos + row` stays below the next event's `pos`. Two changes of one row thus never share a
 *   number, and a replay of a change carries the same one, which the guard turns into a no-op. GTIDs
 *   (`domain-server-seq`) also order transactions, but not the changes inside one transaction.
 */
export const FILE_SEQ_LIMIT = 2 ** 21;
export const POS_LIMIT = 2 ** 32;

const table = { table: z.literal('orders') };

const postgresSource = z
  .looseObject({
    // A JSON number above 2^53 would already have lost digits in JSON.parse: refuse it rather than misorder.
    connector: z.literal('postgresql'),
    lsn: z.number().int().nonnegative().refine(Number.isSafeInteger, 'is beyond 2^53').nullable(),
    snapshot: z.unknown().optional(),
    ts_ms: z.number().int(),
    ...table,
  })
  // Only an incremental snapshot's read has no LSN (Debezium emits its chunks between watermarks, not from the
  // WAL; the stalled-slot drill measured it). Anything else without one cannot be ordered: refused.
  .refine((source) => source.lsn !== null || source.snapshot === 'incremental', {
    message: 'has no LSN and is not an incremental snapshot read',
    path: ['lsn'],
  })
  .transform((source) => ({ position: source.lsn, commitTsMs: source.ts_ms }));

const binlogSource = z
  .looseObject({
    connector: z.literal('mariadb'),
    file: z.string().regex(/\.(\d+)$/, 'is not <base>.<number>'),
    pos: z.number().int().nonnegative(),
    row: z.number().int().nonnegative(),
    ts_ms: z.number().int(),
    ...table,
  })
  .transform((source, ctx) => {
    const position = binlogPosition(source.file, source.pos, source.row);
    if (position === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `binlog ${source.file}:${source.pos} row ${source.row} is beyond the position's 2^53 range`,
      });
      return z.NEVER;
    }
    return { position, commitTsMs: source.ts_ms };
  });

/**
 * The `source` block of either connector (the orders table in both) → its position and commit time. The position
 * is null for a Postgres incremental snapshot read alone.
 */
export const sourceSchema = z.discriminatedUnion('connector', [postgresSource, binlogSource]);

/** `fileSeq · 2^32 + pos + row`, or undefined when a part is out of its range (see above). */
export function binlogPosition(file: string, pos: number, row: number): number | undefined {
  const seq = Number(/\.(\d+)$/.exec(file)?.[1]);
  if (!Number.isInteger(seq) || seq >= FILE_SEQ_LIMIT || pos + row >= POS_LIMIT) return undefined;
  return seq * POS_LIMIT + pos + row;
}
