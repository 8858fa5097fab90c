import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoViewStore } from './dynamo-store.ts';
import { ViewWriteError } from './errors.ts';
import { insert } from './fixtures/debezium-changes.ts';
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
});
