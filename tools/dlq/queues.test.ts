import { describe, expect, it } from 'vitest';
import { outputsSource, pairFromOutputs, resolveQueue } from './queues.ts';

const outputs = {
  PaymentQueueUrl: 'http://q/payment.fifo',
  PaymentDlqUrl: 'http://q/payment-dlq.fifo',
  InventoryQueueUrl: 'http://q/inventory.fifo',
  InventoryDlqUrl: 'http://q/inventory-dlq.fifo',
};

describe('queue resolution', () => {
  it('finds a consumer’s DLQ and source queue in the stack outputs', () => {
    expect(pairFromOutputs('payment', outputs)).toEqual({
      consumer: 'payment',
      dlqUrl: 'http://q/payment-dlq.fifo',
      sourceUrl: 'http://q/payment.fifo',
    });
    expect(() => pairFromOutputs('notification', outputs)).toThrow(/NotificationDlqUrl/);
  });

  it('takes a DLQ URL as given and never looks at the outputs for it', async () => {
    const pair = await resolveQueue('http://q/x-dlq.fifo', () => Promise.reject(new Error('not needed')));
    expect(pair).toEqual({ dlqUrl: 'http://q/x-dlq.fifo' });
  });

  it('refuses a name that is neither a consumer nor a URL', async () => {
    await expect(resolveQueue('billing', async () => outputs)).rejects.toThrow(/unknown queue "billing"/);
  });

  const running = {
    pid: 1,
    children: [],
    endpoints: {},
    aws: { endpoint: 'http://127.0.0.1:4566', region: 'us-east-1' },
    outputs,
  };

  it('finds a running local cloud (demo or local:up) by its record, with its access and outputs', () => {
    expect(outputsSource('Holdline', undefined, {}, () => running)).toEqual({
      kind: 'local',
      aws: running.aws,
      outputs,
    });
  });

  it('takes --endpoint, or AWS_ENDPOINT_URL from the shell, over the record; outputs only if it is that cloud', () => {
    const source = outputsSource('Holdline', 'http://127.0.0.1:9999', {}, () => running);
    expect(source).toMatchObject({ kind: 'local', aws: { endpoint: 'http://127.0.0.1:9999' } });
    expect(source.kind === 'local' && source.outputs).toBeUndefined();
    expect(
      outputsSource('Holdline', undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, () => running),
    ).toMatchObject({ kind: 'local', outputs });
  });

  it('goes to the AWS stack when no endpoint is given and no local cloud runs', () => {
    expect(outputsSource('Holdline', undefined, { AWS_REGION: 'eu-west-1' }, () => undefined)).toEqual({
      kind: 'aws',
      aws: { region: 'eu-west-1' },
      stackName: 'Holdline',
    });
  });
});
