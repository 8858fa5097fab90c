/**
 * The stack variants the scanners check: database × CDC, as cdk/test/nag.test.ts synthesizes them. Each uploads a
 * fixed stand-in web build, as a deploy uploads web/dist: the template (and so the findings) must not depend on
 * whether this machine happened to build the UI before the scan.
 */
import { READ_ONLY_SYNTH_ISSUER } from '../../cdk/lib/token-issuer.ts';

const webDist = 'tools/scan/web-fixture';
// The stub providers (the guide's first deploy), so their function is scanned too.
const providers = 'stub';
const { tokenJwksUrl } = READ_ONLY_SYNTH_ISSUER;
export const SCAN_VARIANTS = [
  { name: 'rds-debezium', context: { database: 'rds', cdc: 'debezium', webDist, providers, tokenJwksUrl } },
  { name: 'rds-dms', context: { database: 'rds', cdc: 'dms', webDist, providers, tokenJwksUrl } },
  {
    name: 'aurora-debezium',
    context: { database: 'aurora', cdc: 'debezium', webDist, providers, tokenJwksUrl },
  },
  { name: 'aurora-dms', context: { database: 'aurora', cdc: 'dms', webDist, providers, tokenJwksUrl } },
] as const;

export type ScanVariant = (typeof SCAN_VARIANTS)[number];
export const VARIANT_NAMES: readonly string[] = SCAN_VARIANTS.map((v) => v.name);
