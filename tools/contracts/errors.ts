/** Base of the contract tool's errors. */
export class ContractError extends Error {
  override name = 'ContractError';
}

/** A change that would break readers of a published version; only a new major (a new event type) may make it. */
export class BreakingChangeError extends ContractError {
  override name = 'BreakingChangeError';
  constructor(
    readonly contract: string,
    readonly publishedVersion: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${contract} breaks its published version ${publishedVersion}: ${problems.join('; ')}. ` +
        'Publish it as a new major version (a new event type routed beside the old one) instead.',
    );
  }
}

/** A file under contracts/ that is not a readable published version. */
export class PublishedFileError extends ContractError {
  override name = 'PublishedFileError';
  constructor(
    readonly file: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${reason}`, options);
  }
}
