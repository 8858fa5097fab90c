import {
  ARCHITECTURE_DOC,
  committedArchitectureDoc,
  generateArchitectureDoc,
  writeArchitectureDoc,
} from '../lib/diagram/architecture-doc.ts';

// `npm run diagram` writes docs/architecture.md from the synthesized template; `-- --check` only compares.
if (process.argv.includes('--check')) {
  if (committedArchitectureDoc() !== generateArchitectureDoc()) {
    console.error(`${ARCHITECTURE_DOC} is stale: run npm run diagram`);
    process.exit(1);
  }
  console.log(`${ARCHITECTURE_DOC} matches the template`);
} else {
  writeArchitectureDoc();
  console.log(`wrote ${ARCHITECTURE_DOC}`);
}
