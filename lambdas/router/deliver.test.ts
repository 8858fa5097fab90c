import type { SendMessageCommand, SendMessageCommandOutput } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { QueueUrls } from './config.ts';
import { deliver, type SqsSender } from './deliver.ts';
import { SendFailedError } from './errors.ts';
import { anOrderEvent } from './fixtures/records.ts';
import { consumersFor, toSqsEntry } from './routing.ts';

const queueUrls: QueueUrls = {
  payment: 'q/payment',
  inventory: 'q/inventory',
  notification: 'q/notification',
};

/** Records every send; fails the sends to the queues in `failOn`. */
function fakeSqs(failOn: string[] = []) {
  const sent: SendMessageCommand['input'][] = [];
  const sqs: SqsSender = {
    async send(command) {
      sent.push(command.input);
      if (failOn.includes(command.input.QueueUrl ?? ''))
        throw new Error(`throttled: ${command.input.QueueUrl}`);
      return { MessageId: 'm', $metadata: {} } as SendMessageCommandOutput;
    },
  };
  return { sqs, sent };
}

function planFor(event = anOrderEvent()) {
  return { kind: 'deliver' as const, event, targets: consumersFor(event), entry: toSqsEntry(event) };
}

describe('deliver', () => {
  it('sends the same entry to every target queue', async () => {
    const { sqs, sent } = fakeSqs();
    const plan = planFor();

    await deliver(sqs, queueUrls, plan);

    expect(sent.map((input) => input.QueueUrl)).toEqual(['q/payment', 'q/inventory', 'q/notification']);
    for (const input of sent) expect(input).toEqual({ QueueUrl: input.QueueUrl, ...plan.entry });
  });

  it('fails with the event id, the failed consumers and the cause, after trying every queue', async () => {
    const { sqs, sent } = fakeSqs(['q/inventory']);
    const plan = planFor();

    const error = await deliver(sqs, queueUrls, plan).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SendFailedError);
    expect(error).toMatchObject({ eventId: plan.event.eventId, consumers: ['inventory'] });
    expect((error as Error).cause).toEqual(new Error('throttled: q/inventory'));
    expect(sent).toHaveLength(3);
  });

  it('keeps every cause when several sends fail', async () => {
    const { sqs } = fakeSqs(['q/payment', 'q/notification']);

    const error = (await deliver(sqs, queueUrls, planFor()).catch((e: unknown) => e)) as SendFailedError;

    expect(error.consumers).toEqual(['payment', 'notification']);
    expect(error.cause).toBeInstanceOf(AggregateError);
    expect((error.cause as AggregateError).errors).toHaveLength(2);
  });
});
