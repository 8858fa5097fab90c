import { signingKeyOf } from '../../lambdas/auth/signing-key.ts';
import { type Identity, signToken } from '../../lambdas/auth/token.ts';
import { readKeyFile } from './key-file.ts';

// `HOLDLINE_TOKEN_KEYS=<key file> npm run sign-token -- c-42 [customer|oncall] [ttl-seconds]` prints a token the
// authorizer accepts, signed with the key file's first key (tools/auth/key-file.ts; locally the issuer stand-in's,
// `.holdline/auth/token-keys.json`). Until a sign-in issues tokens (docs/web.md), this is how an operator gets one
// (docs/deploy.md, step 5).
const [customerId, role = 'customer', ttl = '900'] = process.argv.slice(2);
const file = process.env.HOLDLINE_TOKEN_KEYS;
if (!customerId || !file || (role !== 'customer' && role !== 'oncall') || !/^\d+$/.test(ttl)) {
  console.error(
    'usage: HOLDLINE_TOKEN_KEYS=<key file> sign-token <customer-id> [customer|oncall] [ttl-seconds]',
  );
  process.exit(2);
}
const [key] = readKeyFile(file);
console.log(
  await signToken(await signingKeyOf(key!), { customerId, role: role as Identity['role'] }, Number(ttl)),
);
