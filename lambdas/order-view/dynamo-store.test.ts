import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoViewStore } from './dynamo-store.ts';
import { ViewWriteError } from './errors.ts';
import { confirmed, incrementalReadData, insert } from './fixtures/debezium-changes.ts';
import { parseViewChange } from './view-change.ts';
import { viewWrites } from './view-item.ts';

const change = parseViewChange(insert.data);
if (change.kind !== 'upsert') throw new Error('fixture is not an upsert');
const [write] = viewWrites(change);
const named = (name: string) => Object.assign(new Error(name), { name });

describe('dynamoViewStore', () => {
  it('puts the write conditionally into the table', async () => {
    const send = vi.fn().mockResolvedValue({});
    expect(await dynamoViewStore({ send }, 'View')(write!)).toBe('applied');
    const [command] = send.mock.calls[0] as [PutCommand];
    expect(command).toBeInstanceOf(PutCommand);
    expect(command.input).toMatchObject({ TableName: 'View', Item: write?.item });
  });

  it('treats a failed guard as superseded, not as an error', async () => {
    const send = vi.fn().mockRejectedValue(named('ConditionalCheckFailedException'));
    expect(await dynamoViewStore({ send }, 'View')(write!)).toBe('superseded');
  });

  it('wraps any other failure with the order, item and LSN', async () => {
    const cause = named('ProvisionedThroughputExceededException');
    const send = vi.fn().mockRejectedValue(cause);
    const failure = dynamoViewStore({ send }, 'View')(write!);
    await expect(failure).rejects.toBeInstanceOf(ViewWriteError);
    await expect(failure).rejects.toMatchObject({
      orderId: change.orderId,
      sk: 'CURRENT',
      lsn: 26501176,
      cause,
    });
  });

  it('puts a snapshot read over nothing, else updates a lower version; a read that fits neither is superseded', async () => {
    const read = parseViewChange(incrementalReadData(confirmed));
    if (read.kind !== 'upsert') throw new Error('fixture is not an upsert');
    const [readWrite] = viewWrites(read);
    const exists = named('ConditionalCheckFailedException');
    const updated = vi.fn().mockRejectedValueOnce(exists).mockResolvedValueOnce({});
    expect(await dynamoViewStore({ send: updated }, 'View')(readWrite!)).toBe('applied');
    expect(updated.mock.calls.map(([command]) => command.constructor)).toEqual([PutCommand, UpdateCommand]);
    const neither = vi.fn().mockRejectedValue(exists);
    expect(await dynamoViewStore({ send: neither }, 'View')(readWrite!)).toBe('superseded');
    expect(neither).toHaveBeenCalledTimes(2);
  });
});
