/** Base of every error this module throws, so a caller can catch provisioning failures in one place. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

/** A `Ref` or `Fn::GetAtt` names something the template (or the provisioned set so far) does not have. */
export class UnresolvableReferenceError extends ProvisionError {
  override name = 'UnresolvableReferenceError';
  constructor(
    readonly logicalId: string,
    readonly attribute?: string,
    options?: ErrorOptions,
  ) {
    super(
      attribute === undefined
        ? `cannot resolve Ref to '${logicalId}'`
        : `cannot resolve Fn::GetAtt '${logicalId}.${attribute}'`,
      options,
    );
  }
}

/** An intrinsic function the local resolver does not evaluate (Fn::ImportValue, Fn::Cidr, ...). */
export class UnsupportedIntrinsicError extends ProvisionError {
  override name = 'UnsupportedIntrinsicError';
  constructor(
    readonly intrinsic: string,
    options?: ErrorOptions,
  ) {
    super(`intrinsic function ${intrinsic} is not supported locally`, options);
  }
}

/** The template itself is malformed: a cycle, a bad argument, a missing parameter. */
export class InvalidTemplateError extends ProvisionError {
  override name = 'InvalidTemplateError';
  constructor(
    readonly reason: string,
    readonly logicalId?: string,
    options?: ErrorOptions,
  ) {
    super(logicalId === undefined ? reason : `${logicalId}: ${reason}`, options);
  }
}

/** Creating or updating one resource against the emulator failed; `cause` holds the SDK or resolver error. */
export class ResourceProvisionError extends ProvisionError {
  override name = 'ResourceProvisionError';
  constructor(
    readonly logicalId: string,
    readonly resourceType: string,
    options?: ErrorOptions,
  ) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`could not provision ${logicalId} (${resourceType})${why}`, options);
  }
}
