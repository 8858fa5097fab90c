import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { processGroupsConcurrently } from './group-concurrent.ts';

const record = (messageId: string, group: string) =>
  ({ messageId, attributes: { MessageGroupId: group } }) as unknown as SQSRecord;

describe('processGroupsConcurrently', () => {
  it('runs the groups side by side: each group waits on the other, which one at a time never finishes', async () => {
    const started = new Set<string>();
    let release: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const response = await processGroupsConcurrently([record('a1', 'a'), record('b1', 'b')], async (r) => {
      started.add(r.messageId);
      if (started.size === 2) release();
      await Promise.race([
        bothStarted,
        new Promise((_, reject) => setTimeout(() => reject(new Error('ran alone')), 500)),
      ]);
    });
    expect(response.batchItemFailures).toEqual([]);
  });

  it('keeps each group in order, and fails the rest of a group untried after its failure while others go on', async () => {
    const handled: string[] = [];
    const response = await processGroupsConcurrently(
      [record('a1', 'a'), record('b1', 'b'), record('a2', 'a'), record('b2', 'b'), record('a3', 'a')],
      async (r) => {
        handled.push(r.messageId);
        await new Promise((resolve) => setTimeout(resolve, r.messageId === 'a1' ? 20 : 1));
        if (r.messageId === 'a2') throw new Error('gateway down');
      },
    );
    expect(handled.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2']);
    expect(handled.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2']);
    // In the batch's order, as Lambda reads them; a3 was never tried.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a2' }, { itemIdentifier: 'a3' }]);
  });
});
