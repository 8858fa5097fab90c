import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ReplayInterruptedError, replay } from './dlq.ts';

/** A fake DLQ: hands out `messages` once each, and records every call in order. */
function fakeSqs(messages: Message[]) {
  const calls: string[] = [];
  let handed = false;
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof ReceiveMessageCommand) {
        calls.push('receive');
        const out = handed ? [] : messages;
        handed = true;
        return { Messages: out };
      }
      if (command instanceof SendMessageCommand) {
        calls.push(`send ${command.input.MessageDeduplicationId} → ${command.input.QueueUrl}`);
        expect(Object.keys(command.input.MessageAttributes ?? {})).not.toContain('holdline.reason');
      }
      if (command instanceof DeleteMessageCommand) calls.push(`delete ${command.input.ReceiptHandle}`);
      if (command instanceof ChangeMessageVisibilityBatchCommand)
        calls.push(`release ${command.input.Entries?.map((e) => e.ReceiptHandle).join(',')}`);
      return {};
    },
  } as never;
  return { sqs, calls };
}

const message = (id: string, sentAt: number): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: '{}',
  Attributes: { MessageGroupId: 'g', SentTimestamp: String(sentAt) },
  MessageAttributes: {
    eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
    'holdline.reason': { DataType: 'String', StringValue: 'x' },
    'holdline.errorName': { DataType: 'String', StringValue: 'GatewayUnavailableError' },
  },
});

describe('replay', () => {
  it('sends each message before deleting it, with a dedup id derived from the DLQ message', async () => {
    const { sqs, calls } = fakeSqs([message('a', 1), message('b', 2)]);
    const result = await replay(sqs, 'dlq', { sourceUrl: 'src' });
    expect(calls).toEqual([
      'receive',
      'send replay-a → src',
      'delete rh-a',
      'send replay-b → src',
      'delete rh-b',
      'receive',
    ]);
    expect(result).toEqual({ moved: 2, bySource: { src: 2 }, reasons: { GatewayUnavailableError: 2 } });
  });

  it('leaves a message quarantined after the replay began for the next replay', async () => {
    const { sqs, calls } = fakeSqs([message('old', 1), message('new', Date.now() + 60_000)]);
    const result = await replay(sqs, 'dlq', { sourceUrl: 'src' });
    expect(result.moved).toBe(1);
    expect(calls).not.toContain('delete rh-new');
    expect(calls.at(-1)).toBe('release rh-new');
  });

  it('keeps the message in the DLQ when stopped between send and delete', async () => {
    const { sqs, calls } = fakeSqs([message('a', 1)]);
    await expect(replay(sqs, 'dlq', { sourceUrl: 'src', crashAfterSends: 1 })).rejects.toThrow(
      ReplayInterruptedError,
    );
    expect(calls).toContain('send replay-a → src');
    expect(calls).not.toContain('delete rh-a');
  });
});
