import { httpWarehouse } from '../../providers/warehouse-provider.ts';
import { crashPoint } from '../../shared/crash-points.ts';
import { requireEnv } from '../../shared/env.ts';
import { consumerHandler } from '../consumer-handler.ts';
import { reserveStock } from './reserve-stock.ts';

const warehouse = httpWarehouse(requireEnv('INVENTORY_SERVICE_URL'));

export const handler = consumerHandler('inventory', async (message) => {
  const result = await reserveStock(message, warehouse);
  crashPoint('inventory:after-effect-before-ack', message.eventId);
  return result;
});
