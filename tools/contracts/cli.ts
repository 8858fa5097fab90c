import { execFileSync } from 'node:child_process';
import {
  CONTRACTS_DOC,
  committedContractsDoc,
  renderContractsDoc,
  writeContractsDoc,
} from './contracts-doc.ts';
import { ContractError } from './errors.ts';
import { contractStatus, publish, readPublished } from './published.ts';
import { contracts } from './registry.ts';

// `npm run contracts` publishes what changed compatibly (a new minor, or the first version of a new major) and
// regenerates docs/contracts.md; `-- --check` changes nothing and fails when anything is unpublished or stale.
const check = process.argv.includes('--check');
try {
  const stale: string[] = [];
  for (const contract of contracts) {
    const status = contractStatus(contract, readPublished());
    if (status.kind === 'current') continue;
    if (check) stale.push(`${contract.name} ${status.version} (${status.kind}) is not published`);
    else {
      const file = publish(contract.name, status.version, status.schema);
      // Formatted as the tree's formatter wants it, so `biome check .` never asks to rewrite a published file.
      execFileSync('npx', ['biome', 'format', '--write', file], { stdio: 'ignore' });
      console.log(`published ${file}`);
    }
  }
  const doc = renderContractsDoc(
    readPublished(),
    contracts.map((c) => c.name),
  );
  if (doc !== committedContractsDoc()) {
    if (check) stale.push(`${CONTRACTS_DOC} is stale`);
    else {
      writeContractsDoc(doc);
      console.log(`wrote ${CONTRACTS_DOC}`);
    }
  }
  if (stale.length > 0) {
    console.error(`${stale.join('\n')}\nrun npm run contracts`);
    process.exit(1);
  }
  console.log(check ? 'contracts and docs are current' : 'done');
} catch (error) {
  if (!(error instanceof ContractError)) throw error;
  console.error(error.message);
  process.exit(1);
}
