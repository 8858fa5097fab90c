import { z } from 'zod';

/**
 * The prefix of the WAL message that marks a transaction as bulk. A migration or backfill emits it first in its
 * transaction: `SELECT pg_logical_emit_message(true, 'holdline.bulk', '{"migration":"0042_backfill"}')`.
 * Transactional (`true`), so it is decoded with the transaction, at its commit, ahead of its row changes.
 */
export const BULK_MESSAGE_PREFIX = 'holdline.bulk';

/** The marker's content: who is making the bulk change (named in the summary event). */
export const bulkMarkerSchema = z.object({
  /** The migration or job, e.g. `0042_backfill_customer_names`. */
  migration: z.string().min(1).max(200),
});
export type BulkMarker = z.infer<typeof bulkMarkerSchema>;

/** Reads a marker's content; a marker that is not the JSON above still marks the transaction, as `unnamed`. */
export function readBulkMarker(content: string): BulkMarker {
  try {
    const parsed = bulkMarkerSchema.safeParse(JSON.parse(content));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: not JSON
  }
  return { migration: 'unnamed' };
}
