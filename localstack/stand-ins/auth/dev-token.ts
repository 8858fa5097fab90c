import { signingKeyOf } from '../../../lambdas/auth/signing-key.ts';
import { type Identity, signToken } from '../../../lambdas/auth/token.ts';
import { devKeys } from './dev-keys.ts';

/** A token for a local customer (or on-call engineer), signed with the local issuer's key, as the dev login hands
 *  out; the local cloud's authorizer verifies it through the issuer stand-in's JWKS (issuer.ts). */
export async function devToken(customerId: string, role: Identity['role'] = 'customer'): Promise<string> {
  const [key] = await devKeys();
  return signToken(await signingKeyOf(key!), { customerId, role });
}

/** `{ authorization: 'Bearer …' }` for a request to the local API as `customerId`. */
export async function devAuthHeaders(
  customerId: string,
  role: Identity['role'] = 'customer',
): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await devToken(customerId, role)}` };
}
