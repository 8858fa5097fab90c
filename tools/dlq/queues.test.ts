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

  it('goes to the AWS stack when no local endpoint is set', () => {
    expect(outputsSource('Holdline', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toEqual({
      kind: 'local',
      endpoint: 'http://127.0.0.1:4566',
    });
  });
});
