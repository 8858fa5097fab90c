/** Base of every error the local Lambda runtime throws. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

/** The template asks for something the runtime cannot run: a function without `holdline:entry`, an unknown target. */
export class RuntimeConfigError extends RuntimeError {
  override name = 'RuntimeConfigError';
  constructor(
    readonly logicalId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${logicalId}: ${reason}`, options);
  }
}

/** `invoke` named a function the runtime does not have. */
export class UnknownFunctionError extends RuntimeError {
  override name = 'UnknownFunctionError';
  constructor(readonly functionId: string) {
    super(`no local function '${functionId}' (give its logical id or function name)`);
  }
}

/** An invocation arrived after `stop()` began. */
export class RuntimeStoppedError extends RuntimeError {
  override name = 'RuntimeStoppedError';
  constructor(readonly functionId: string) {
    super(`runtime is stopping; not invoking ${functionId}`);
  }
}

/** `setMappingEnabled` named a mapping the runtime does not have. */
export class UnknownMappingError extends RuntimeError {
  override name = 'UnknownMappingError';
  constructor(readonly mappingId: string) {
    super(`no event-source mapping '${mappingId}'`);
  }
}

/** A function's Node cannot be had: its Runtime is not Node.js, no release is pinned for it, or it is not installed. */
export class LambdaNodeError extends RuntimeError {
  override name = 'LambdaNodeError';
  constructor(
    readonly runtime: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${runtime}: ${reason}`, options);
  }
}
