import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '../cdk/lib/paths.ts';
import { curlExample } from './curl-example.ts';

// What a fresh Debian with the set-up's prerequisites has: no uuidgen (util-linux's extra tools are not there).
const onAFreshMachine = new Set(['npm', 'node', 'curl', 'sed']);

/** The commands a shell snippet runs: the first word of each line, of each pipe stage and of each `$(…)`. */
function commandsOf(snippet: string): string[] {
  const commands: string[] = [];
  const joined = snippet.replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const starts = [line, ...[...line.matchAll(/\$\(([^)]*)/g)].map((m) => m[1] ?? '')];
    for (const start of starts)
      for (const stage of start.split('|')) {
        // An assignment (`KEY=$(…)`) runs only its substitution, which is counted above.
        const word = stage.trim().split(/\s+/)[0] ?? '';
        if (word !== '' && !/^[A-Z_]+=/.test(word)) commands.push(word);
      }
  }
  return [...new Set(commands)];
}

describe('the first screen', () => {
  it("the README's order example runs only commands a fresh machine has", () => {
    const readme = readFileSync(fromRepoRoot('README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Place an order'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

    const commands = commandsOf(block);

    expect(commands).toEqual(expect.arrayContaining(['curl', 'node']));
    expect(commands.filter((c) => !onAFreshMachine.has(c))).toEqual([]);
  });

  it("the demo's printed example does too", () => {
    const commands = commandsOf(curlExample('http://127.0.0.1:3000'));

    expect(commands).toContain('curl');
    expect(commands.filter((c) => !onAFreshMachine.has(c))).toEqual([]);
  });

  it('notices a command a fresh machine lacks', () => {
    expect(commandsOf('curl -H "Idempotency-Key: $(uuidgen)" x | sed s/a/b/').sort()).toEqual([
      'curl',
      'sed',
      'uuidgen',
    ]);
  });
});
