import { spawn } from 'node:child_process';

export interface BlockRun {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/**
 * Runs guide blocks as one bash script (`set -euo pipefail`, so a failing command fails the block), from the
 * repository root, with `env`. Asynchronous: the local API a smoke test calls lives in this process.
 */
export function runBlocks(blocks: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<BlockRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', blocks.join('\n')], { cwd, env });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
