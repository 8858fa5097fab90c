import { ProvisionError } from './errors.ts';

/** An options object carried a key the callee does not know: most likely a typo that would be silently ignored. */
export class UnknownOptionError extends ProvisionError {
  override name = 'UnknownOptionError';
  constructor(
    readonly where: string,
    readonly keys: string[],
  ) {
    super(`${where}: unknown option(s) ${keys.join(', ')}`);
  }
}

/** Throws UnknownOptionError when `options` has keys outside `allowed`. */
export function assertKnownKeys(where: string, options: object, allowed: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new UnknownOptionError(where, unknown);
}
