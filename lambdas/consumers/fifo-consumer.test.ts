import { describe, expect, it } from 'vitest';
import { MalformedMessageError } from './errors.ts';
import { parseMessage } from './fifo-consumer.ts';

describe('parseMessage', () => {
  it('names what is wrong with a message that is not an order event', () => {
    expect(() => parseMessage({ messageId: 'm1', body: 'not json' })).toThrow(MalformedMessageError);
    try {
      parseMessage({ messageId: 'm2', body: JSON.stringify({ eventId: 'x' }) });
    } catch (error) {
      expect((error as MalformedMessageError).reason).toMatch(/eventId/);
    }
  });
});
