import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

export const messageGroupOf = (record: Pick<SQSRecord, 'attributes' | 'messageId'>) =>
  record.attributes.MessageGroupId ?? record.messageId;

/**
 * FIFO partial-batch processing with the message groups side by side. Each group's records run in order, one
 * after another; when one fails, the rest of its group is failed untried, so the group comes back in order; the
 * other groups go on. That is Powertools' `SqsFifoPartialProcessorAsync` with `skipGroupOnError`, except that it
 * runs one record at a time: a batch of ten orders waited on ten gateway calls in a row, which made the consumers
 * the pipeline's wall (drills/fault-campaign/README.md). FIFO promises order within a group only.
 */
export async function processGroupsConcurrently(
  records: readonly SQSRecord[],
  handle: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = messageGroupOf(record);
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const failed = new Set<string>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const [i, record] of group.entries()) {
        try {
          await handle(record);
        } catch {
          for (const untried of group.slice(i)) failed.add(untried.messageId);
          return;
        }
      }
    }),
  );
  return {
    batchItemFailures: records
      .filter((r) => failed.has(r.messageId))
      .map((r) => ({ itemIdentifier: r.messageId })),
  };
}
