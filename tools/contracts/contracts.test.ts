import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contractPayload, orderPlacedPayloadSchema } from '../../lambdas/orders/event-payloads.ts';
import { orderEventMessageSchema } from '../../lambdas/shared/order-event-message.ts';
import { breakingChanges } from './compatibility.ts';
import { committedContractsDoc, renderContractsDoc } from './contracts-doc.ts';
import { BreakingChangeError } from './errors.ts';
import { contractJsonSchema } from './json-schema.ts';
import { contractStatus, readPublished } from './published.ts';
import { type Contract, contracts } from './registry.ts';

const published = readPublished();
const orderPlaced = contracts.find((c) => c.name === 'OrderPlaced') as Contract;

/** OrderPlaced as the code would describe it with `payload` changed by `change`. */
function orderPlacedWith(
  change: (payload: typeof orderPlacedPayloadSchema) => z.ZodObject,
  major = orderPlaced.major,
): Contract {
  return {
    ...orderPlaced,
    major,
    schema: orderEventMessageSchema.extend({
      eventType: z.literal('OrderPlaced').describe('The event type.'),
      payload: change(orderPlacedPayloadSchema).describe('The OrderPlaced data.'),
    }),
  };
}

function breakingProblems(contract: Contract): readonly string[] {
  try {
    contractStatus(contract, published);
  } catch (error) {
    if (error instanceof BreakingChangeError) return error.problems;
    throw error;
  }
  return [];
}

describe('published event contracts', () => {
  it.each(contracts.map((c) => [c.name, c] as const))(
    '%s in the code is exactly its latest published version (run `npm run contracts`)',
    (_name, contract) => {
      expect(contractStatus(contract, published).kind).toBe('current');
    },
  );

  it('committed docs/contracts.md is exactly what contracts/ generates (run `npm run contracts`)', () => {
    expect(committedContractsDoc()).toBe(
      renderContractsDoc(
        published,
        contracts.map((c) => c.name),
      ),
    );
  });

  it('fails when a published field is renamed', () => {
    const renamed = orderPlacedWith((p) =>
      p.omit({ customerId: true }).extend({ customer: p.shape.customerId }),
    );

    expect(breakingProblems(renamed)).toContain('payload.customerId: removed (or renamed)');
  });

  it('fails when a published field is removed, made optional, retyped or narrowed', () => {
    expect(breakingProblems(orderPlacedWith((p) => p.omit({ currency: true })))).toContain(
      'payload.currency: removed (or renamed)',
    );
    expect(
      breakingProblems(orderPlacedWith((p) => p.extend({ totalCents: p.shape.totalCents.optional() }))),
    ).toContain('payload.totalCents: was required, now optional');
    expect(breakingProblems(orderPlacedWith((p) => p.extend({ totalCents: z.string() })))).toContain(
      'payload.totalCents: type changed from integer to string',
    );
    expect(
      breakingProblems(orderPlacedWith((p) => p.extend({ totalCents: z.number().int().min(1).max(500) }))),
    ).toContain('payload.totalCents: narrowed, maximum 9007199254740991 → 500');
    expect(
      breakingProblems(orderPlacedWith((p) => p.extend({ currency: z.enum(['USD', 'EUR']) }))).join(),
    ).toMatch(/payload\.currency: pattern changed/);
  });

  it('takes an added optional field as the next minor version, with no problem', () => {
    const status = contractStatus(
      orderPlacedWith((p) => p.extend({ channel: z.string().optional() })),
      published,
    );

    expect(status).toMatchObject({ kind: 'new-minor', version: '1.1' });
  });

  it('takes a breaking change as a new major version, which starts at .0 beside the old one', () => {
    const renamedAsV2 = orderPlacedWith(
      (p) => p.omit({ customerId: true }).extend({ customer: p.shape.customerId }),
      2,
    );

    expect(contractStatus(renamedAsV2, published)).toMatchObject({ kind: 'new-major', version: '2.0' });
  });

  it('compares nested fields too: an order line field renamed is breaking', () => {
    const v1 = contractJsonSchema(orderPlaced);
    const itemsRenamed = contractJsonSchema(
      orderPlacedWith((p) =>
        p.extend({
          items: z.array(z.object({ sku: z.string(), qty: z.number().int(), unitPriceCents: z.number() })),
        }),
      ),
    );

    expect(breakingChanges(v1, itemsRenamed)).toContain('payload.items[].quantity: removed (or renamed)');
  });
});

describe('outbox payloads follow their contract', () => {
  const orderId = '0190a5f2-6c1e-7cc2-9d43-64c1c2f4a001';

  it('keeps a payload that matches and drops a field the contract does not publish', () => {
    expect(
      contractPayload('OrderConfirmed', { orderId, status: 'confirmed', chargeId: 'ch-1', internal: 'x' }),
    ).toEqual({ orderId, status: 'confirmed', chargeId: 'ch-1' });
  });

  it('refuses a payload that breaks its contract, with the reason', () => {
    expect(() => contractPayload('OrderConfirmed', { orderId, status: 'confirmed' })).toThrow(
      /OrderConfirmed payload breaks its contract: chargeId/,
    );
    expect(() => contractPayload('OrderShipped', { orderId })).toThrow(/has no published contract/);
  });
});
