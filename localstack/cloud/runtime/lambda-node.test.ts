import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENTRY_METADATA } from '../../../cdk/lib/entry-metadata.ts';
import { resourcesOfType } from '../../../cdk/lib/template.ts';
import { holdlineTemplateJson } from '../../../cdk/test/template.ts';
import { LambdaNodeError } from './errors.ts';
import {
  installedLambdaNode,
  LAMBDA_NODE_RELEASES,
  lambdaNodeFor,
  lambdaRuntimesOf,
  nodeMajorOf,
} from './lambda-node.ts';

const majorOfRelease = (version: string): number => Number(version.split('.')[0]);

describe("the local workers' Node, from the template", () => {
  const template = holdlineTemplateJson();
  const functions = resourcesOfType(template, 'AWS::Lambda::Function').filter(
    ([, fn]) => fn.Metadata?.[ENTRY_METADATA] !== undefined,
  );

  it('runs every function of the app on a release of the major its Runtime names', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      const runtime = fn.Properties?.Runtime;
      const node = lambdaNodeFor(runtime);

      expect({ id, major: majorOfRelease(node.version) }).toEqual({
        id,
        major: nodeMajorOf(String(runtime)),
      });
      expect(node.bin).toBe(join(node.home, 'bin', 'node'));
    }
  });

  it('has set-up install a release for every Runtime the functions name', () => {
    const installed = lambdaRuntimesOf(template);

    for (const [id, fn] of functions) expect(installed, id).toContain(fn.Properties?.Runtime);
  });
});

describe('lambdaNodeFor', () => {
  it('takes the major from the runtime name and the release from the pins', () => {
    expect(nodeMajorOf('nodejs22.x')).toBe(22);
    expect(nodeMajorOf('python3.12')).toBeNull();
    expect(lambdaNodeFor('nodejs22.x', '/cache')).toEqual({
      runtime: 'nodejs22.x',
      major: 22,
      version: LAMBDA_NODE_RELEASES[22],
      home: `/cache/node-${LAMBDA_NODE_RELEASES[22]}`,
      bin: `/cache/node-${LAMBDA_NODE_RELEASES[22]}/bin/node`,
    });
  });

  it('refuses a runtime it cannot honour instead of running another Node', () => {
    expect(() => lambdaNodeFor('python3.12')).toThrow(LambdaNodeError);
    expect(() => lambdaNodeFor('nodejs8.x')).toThrow(/no Node 8 release is pinned/);
    expect(() => lambdaNodeFor(undefined)).toThrow(/names no Runtime/);
  });
});

describe('installedLambdaNode', () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'holdline-node-'));
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('says to run set-up when the release is missing or half-installed', () => {
    expect(() => installedLambdaNode('nodejs22.x', cache)).toThrow(
      /is not installed in .*; run npm run setup/,
    );
    const { home } = lambdaNodeFor('nodejs22.x', cache);
    mkdirSync(join(home, 'bin'), { recursive: true });
    writeFileSync(join(home, 'bin', 'node'), '');
    expect(() => installedLambdaNode('nodejs22.x', cache)).toThrow(LambdaNodeError);

    writeFileSync(join(home, '.installed'), 'now');
    expect(installedLambdaNode('nodejs22.x', cache).home).toBe(home);
  });
});
