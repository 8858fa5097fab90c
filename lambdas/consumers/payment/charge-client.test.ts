import { describe, expect, it } from 'vitest';
import { GatewayProtocolError } from '../errors.ts';
import { readCharge } from './charge-client.ts';

describe('readCharge', () => {
  it('reads a succeeded or declined charge', () => {
    expect(readCharge('o1', '{"chargeId":"ch_1","status":"succeeded"}')).toEqual({
      chargeId: 'ch_1',
      status: 'succeeded',
    });
    expect(readCharge('o1', '{"chargeId":"ch_2","status":"declined","extra":1}').status).toBe('declined');
  });

  it.each([
    ['a body that is not JSON', '<html>502 Bad Gateway</html>'],
    ['an unknown status', '{"chargeId":"ch_1","status":"processing"}'],
    ['no charge id', '{"status":"succeeded"}'],
  ])('refuses %s as a protocol error (the order stays pending), never as a decline', (_, body) => {
    expect(() => readCharge('o1', body)).toThrow(GatewayProtocolError);
  });
});
