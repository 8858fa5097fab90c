import { readFileSync, writeFileSync } from 'node:fs';
import { fromRepoRoot } from '../paths.ts';
import { synthTemplate } from '../synth.ts';
import { READ_ONLY_SYNTH_ISSUER } from '../token-issuer.ts';
import { locateHops, renderArchitectureDoc, type TemplateJson } from './hops.ts';

/** The committed diagram, repo-relative. */
export const ARCHITECTURE_DOC = 'docs/architecture.md';

/** The variant the committed diagram shows (the defaults of cdk/lib/holdline-app.ts, with the stub providers). */
export const DIAGRAM_CONTEXT = {
  database: 'rds',
  cdc: 'debezium',
  providers: 'stub',
  ...READ_ONLY_SYNTH_ISSUER,
} as const;

/** docs/architecture.md as the current template generates it. */
export function generateArchitectureDoc(): string {
  const template = synthTemplate({ context: DIAGRAM_CONTEXT }) as TemplateJson;
  return renderArchitectureDoc(locateHops(template), 'database=rds, cdc=debezium: the defaults');
}

export function writeArchitectureDoc(): string {
  const doc = generateArchitectureDoc();
  writeFileSync(fromRepoRoot(ARCHITECTURE_DOC), doc);
  return doc;
}

export function committedArchitectureDoc(): string {
  return readFileSync(fromRepoRoot(ARCHITECTURE_DOC), 'utf8');
}
