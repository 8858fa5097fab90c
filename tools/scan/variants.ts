/** The stack variants the scanners check: database × CDC, as cdk/test/nag.test.ts synthesizes them. */
export const SCAN_VARIANTS = [
  { name: 'rds-debezium', context: { database: 'rds', cdc: 'debezium' } },
  { name: 'rds-dms', context: { database: 'rds', cdc: 'dms' } },
  { name: 'aurora-debezium', context: { database: 'aurora', cdc: 'debezium' } },
  { name: 'aurora-dms', context: { database: 'aurora', cdc: 'dms' } },
] as const;

export type ScanVariant = (typeof SCAN_VARIANTS)[number];
export const VARIANT_NAMES: readonly string[] = SCAN_VARIANTS.map((v) => v.name);
