import { publicJwks } from '../../lambdas/auth/signing-key.ts';
import { ensureKeyFile, readKeyFile, retireKey, rotateKeyFile } from './key-file.ts';

// `npm run token-keys -- <key file> <command>`: an issuer's signing keys (tools/auth/key-file.ts).
//   create        a key file with one new ES256 key (kept if the file exists)
//   rotate        a new key signs from now on; the old ones stay published
//   retire <kid>  withdraw a key from the file, and so from the JWKS
//   jwks          print the public JWKS to publish at the issuer's `/.well-known/jwks.json`
// Each command but `jwks` prints the kids left, the signing one first.
const [file, command, kid] = process.argv.slice(2);
const usage = 'usage: token-keys <key file> create | rotate | retire <kid> | jwks';
if (!file || !command) {
  console.error(usage);
  process.exit(2);
}
const kids = (keys: { kid: string }[]) => console.log(keys.map((k) => k.kid).join('\n'));
switch (command) {
  case 'create':
    kids(await ensureKeyFile(file));
    break;
  case 'rotate':
    kids(await rotateKeyFile(file));
    break;
  case 'retire':
    if (!kid) {
      console.error(usage);
      process.exit(2);
    }
    kids(retireKey(file, kid));
    break;
  case 'jwks':
    console.log(JSON.stringify(publicJwks(readKeyFile(file)), null, 2));
    break;
  default:
    console.error(usage);
    process.exit(2);
}
