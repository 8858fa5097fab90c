/**
 * The order the demo prints as ready to paste. Only `curl`, `sed` and `node` (which the project needs anyway): a
 * fresh Debian has no `uuidgen`.
 */
export const curlExample = (api: string, web = 'http://127.0.0.1:3001') =>
  `TOKEN=$(curl -s -X POST ${web}/auth/dev-login -d '{"customerId":"c-42"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s -X POST ${api}/orders -H 'content-type: application/json' -H "Idempotency-Key: $(node -p 'crypto.randomUUID()')" \\
  -H "Authorization: Bearer $TOKEN" \\
  -d '{"customerId":"c-42","currency":"USD","items":[{"sku":"BOOK-1","quantity":2,"unitPriceCents":1250}]}'`;
