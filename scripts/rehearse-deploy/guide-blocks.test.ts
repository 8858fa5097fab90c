import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '../../cdk/lib/paths.ts';
import { guideBlocks, readRehearsedBlocks, rehearsedBlocks } from './guide-blocks.ts';

describe('guide blocks', () => {
  it('takes a marked block verbatim and ignores unmarked ones', () => {
    const md = 'x\n```sh\nnot me\n```\n<!-- rehearse: smoke -->\n```sh\ncurl "$API"\necho ok\n```\n';
    expect([...guideBlocks(md)]).toEqual([['smoke', 'curl "$API"\necho ok']]);
  });

  it('finds every block the rehearsal runs in docs/deploy.md', () => {
    const blocks = readRehearsedBlocks(fromRepoRoot('docs/deploy.md'));
    expect(Object.keys(blocks)).toEqual([...rehearsedBlocks]);
    expect(blocks.lookups).toContain('list-stack-resources');
    expect(blocks.lookups).not.toContain('describe-stack-resources');
    expect(blocks.migrate).toContain('sslmode=require');
    expect(blocks.migrate).not.toMatch(/ALTER ROLE/);
  });
});
