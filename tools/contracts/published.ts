import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { breakingChanges } from './compatibility.ts';
import { BreakingChangeError, PublishedFileError } from './errors.ts';
import { contractJsonSchema, type JsonSchema } from './json-schema.ts';
import type { Contract } from './registry.ts';

/** Where published versions live: `contracts/<name>/v<major>.<minor>.json`, never edited once committed. */
export const CONTRACTS_DIR = 'contracts';
const root = fileURLToPath(new URL('../../', import.meta.url));

export interface PublishedVersion {
  name: string;
  major: number;
  minor: number;
  /** The schema as published, `$id` included. */
  schema: JsonSchema;
}

export const versionOf = (v: Pick<PublishedVersion, 'major' | 'minor'>) => `${v.major}.${v.minor}`;
export const schemaId = (name: string, version: string) => `urn:holdline:contract:${name}:${version}`;
const fileName = /^v(\d+)\.(\d+)\.json$/;

/** Every published version under `dir`, by name then version. */
export function readPublished(dir: string = join(root, CONTRACTS_DIR)): PublishedVersion[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(dir, entry.name)).map((file) => {
        const match = fileName.exec(file);
        const where = `${CONTRACTS_DIR}/${entry.name}/${file}`;
        if (!match) throw new PublishedFileError(where, 'expected a name like v1.0.json');
        try {
          const schema = JSON.parse(readFileSync(join(dir, entry.name, file), 'utf8')) as JsonSchema;
          return { name: entry.name, major: Number(match[1]), minor: Number(match[2]), schema };
        } catch (error) {
          throw new PublishedFileError(where, 'is not JSON', { cause: error });
        }
      }),
    )
    .sort((a, b) => a.name.localeCompare(b.name) || a.major - b.major || a.minor - b.minor);
}

/** Where a contract stands against what is published. */
export type ContractStatus =
  | { kind: 'current'; version: string }
  /** Compatible with every published version of its major: publishing it makes the next minor. */
  | { kind: 'new-minor'; version: string; schema: JsonSchema }
  /** Nothing published for its major yet: publishing it makes `<major>.0`. */
  | { kind: 'new-major'; version: string; schema: JsonSchema };

/**
 * Compares a contract's schema with its published versions of the same major. Throws BreakingChangeError when
 * the schema breaks any of them: a published version is a promise to its readers, so no minor can break it.
 */
export function contractStatus(contract: Contract, published: readonly PublishedVersion[]): ContractStatus {
  const schema = contractJsonSchema(contract);
  const sameMajor = published.filter((p) => p.name === contract.name && p.major === contract.major);
  const latest = sameMajor.at(-1);
  if (latest === undefined) return { kind: 'new-major', version: `${contract.major}.0`, schema };
  for (const version of sameMajor) {
    const problems = breakingChanges(version.schema, schema);
    if (problems.length > 0) throw new BreakingChangeError(contract.name, versionOf(version), problems);
  }
  const { $id, ...latestBody } = latest.schema;
  if (isDeepStrictEqual(latestBody, schema)) return { kind: 'current', version: versionOf(latest) };
  return { kind: 'new-minor', version: `${latest.major}.${latest.minor + 1}`, schema };
}

/** Writes a new published version file; returns its repo-relative path. */
export function publish(name: string, version: string, schema: JsonSchema, dir = join(root, CONTRACTS_DIR)) {
  mkdirSync(join(dir, name), { recursive: true });
  const { $schema, ...rest } = schema;
  const file = join(dir, name, `v${version}.json`);
  writeFileSync(file, `${JSON.stringify({ $schema, $id: schemaId(name, version), ...rest }, null, 2)}\n`);
  return `${CONTRACTS_DIR}/${name}/v${version}.json`;
}
