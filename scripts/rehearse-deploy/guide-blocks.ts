import { readFileSync } from 'node:fs';

/** The guide's blocks a rehearsal runs, each marked `<!-- rehearse: <name> -->` on the line before its fence. */
export const rehearsedBlocks = ['synth', 'oncall', 'lookups', 'migrate', 'smoke', 'teardown'] as const;
export type RehearsedBlock = (typeof rehearsedBlocks)[number];

/** The marked ```sh blocks of a Markdown guide, by name, verbatim. */
export function guideBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const marker = /<!-- rehearse: ([a-z-]+) -->\n```sh\n([\s\S]*?)\n```/g;
  for (const [, name, body] of markdown.matchAll(marker)) {
    if (blocks.has(name!)) throw new Error(`the guide marks two blocks "${name}"`);
    blocks.set(name!, body!);
  }
  return blocks;
}

/** Reads `path` and returns every block a rehearsal needs; a missing one is an error, so the two cannot drift. */
export function readRehearsedBlocks(path: string): Record<RehearsedBlock, string> {
  const found = guideBlocks(readFileSync(path, 'utf8'));
  const missing = rehearsedBlocks.filter((name) => !found.has(name));
  if (missing.length) throw new Error(`${path} has no rehearsed block ${missing.join(', ')}`);
  return Object.fromEntries(rehearsedBlocks.map((name) => [name, found.get(name)!])) as Record<
    RehearsedBlock,
    string
  >;
}
