import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cached, type InstallOutcome, mavenInstall, run } from '../install.ts';

/** ElasticMQ's `MessageQueue.scala` with its FIFO receive made linear; the file's header says what and why. */
const source = fileURLToPath(new URL('./MessageQueue.scala', import.meta.url));

/** The compiler must match the scala-library ElasticMQ 1.7.1 ships (lib/scala-library-2.13.18.jar). */
const scalaCompiler = { groupId: 'org.scala-lang', artifactId: 'scala-compiler', version: '2.13.18' };

/** Named by the source's hash, so an edited patch is compiled afresh and a stale build is never picked up. */
export function patchClassesDir(elasticmqDir: string): string {
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  return join(elasticmqDir, `fifo-receive-patch-${hash}`);
}

export function isPatchBuilt(elasticmqDir: string): boolean {
  return existsSync(join(patchClassesDir(elasticmqDir), '.installed'));
}

/**
 * Compiles the patch against ElasticMQ's own jars, once per machine and source version (about 5 s, plus the
 * compiler's download the first time); the classes go before ElasticMQ's jars on its classpath.
 */
export async function buildPatch(
  elasticmqDir: string,
  onProgress?: (line: string) => void,
): Promise<InstallOutcome> {
  return cached(patchClassesDir(elasticmqDir), async (out) => {
    onProgress?.(`compiling the FIFO receive patch with scala-compiler ${scalaCompiler.version}`);
    const compiler = await mavenInstall('scala-compiler', scalaCompiler);
    const lib = join(elasticmqDir, 'lib');
    const classpath = readdirSync(lib)
      .filter((f) => f.endsWith('.jar'))
      .map((f) => join(lib, f))
      .join(':');
    await run(
      'java',
      [
        '-cp',
        join(compiler.dir, 'lib', '*'),
        'scala.tools.nsc.Main',
        '-nowarn',
        '-classpath',
        classpath,
        '-d',
        out,
        source,
      ],
      out,
    );
  });
}
