import { type Identity, signToken } from '../../lambdas/auth/token.ts';

// `HOLDLINE_TOKEN_SECRET=… npm run sign-token -- c-42 [customer|oncall] [ttl-seconds]` prints a token the
// authorizer accepts: the same signToken the local dev login uses, with the deployed key (docs/deploy.md, step 5).
// Until a sign-in issues tokens (docs/web.md), this is how an operator gets one.
const [customerId, role = 'customer', ttl = '900'] = process.argv.slice(2);
const secret = process.env.HOLDLINE_TOKEN_SECRET;
if (!customerId || !secret || (role !== 'customer' && role !== 'oncall')) {
  console.error(
    'usage: HOLDLINE_TOKEN_SECRET=<key> sign-token <customer-id> [customer|oncall] [ttl-seconds]',
  );
  process.exit(2);
}
console.log(await signToken(secret, { customerId, role: role as Identity['role'] }, Number(ttl)));
