import { z } from 'zod';
import { isIso4217 } from './currency.ts';

export const orderStatuses = ['pending', 'confirmed', 'payment_failed', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Upper bounds that turn "absurd" into a 400 rather than a row: 50 lines, 1,000 units, $1M an order. */
export const limits = {
  maxItems: 50,
  maxQuantity: 1000,
  maxUnitPriceCents: 10_000_000,
  maxTotalCents: 100_000_000,
};

export const orderItemSchema = z.strictObject({
  sku: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, 'sku must be 1-64 upper-case letters, digits or dashes')
    .describe('Stock keeping unit of the product.'),
  quantity: z.number().int().min(1).max(limits.maxQuantity).describe('Units ordered.'),
  unitPriceCents: z
    .number()
    .int()
    .min(1)
    .max(limits.maxUnitPriceCents)
    .describe('Price of one unit, in the minor unit of the order currency.'),
});

/** The body of `POST /orders`. Unknown fields are rejected, so a typo never passes silently. */
export const placeOrderSchema = z
  .strictObject({
    customerId: z.string().min(1).max(128),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as USD')
      .refine(isIso4217, 'currency must be an ISO 4217 code in use, such as USD'),
    items: z.array(orderItemSchema).min(1, 'an order needs at least one item').max(limits.maxItems),
  })
  .refine((order) => orderTotalCents(order.items) <= limits.maxTotalCents, {
    message: `order total must not exceed ${limits.maxTotalCents} cents`,
    path: ['items'],
  });

export type OrderItem = z.infer<typeof orderItemSchema>;
export type PlaceOrder = z.infer<typeof placeOrderSchema>;

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  totalCents: number;
  items: OrderItem[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function orderTotalCents(items: readonly Pick<OrderItem, 'quantity' | 'unitPriceCents'>[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}
