import { type Identity, signToken } from '../../../lambdas/auth/token.ts';

/**
 * LOCAL ONLY. The signing key of the local cloud's tokens: a fixed, public value (override with
 * HOLDLINE_TOKEN_SECRET), handed to the authorizer Lambda as TOKEN_SIGNING_SECRET by the local runtime. In AWS
 * the key is a generated Secrets Manager secret that never leaves AWS.
 */
export const localTokenSecret =
  process.env.HOLDLINE_TOKEN_SECRET ?? 'holdline-local-dev-signing-key-NOT-A-SECRET-0123456789';

/** A signed token for a local customer (or on-call engineer), as the dev login hands out. */
export function devToken(customerId: string, role: Identity['role'] = 'customer'): Promise<string> {
  return signToken(localTokenSecret, { customerId, role });
}

/** `{ authorization: 'Bearer …' }` for a request to the local API as `customerId`. */
export async function devAuthHeaders(
  customerId: string,
  role: Identity['role'] = 'customer',
): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await devToken(customerId, role)}` };
}
