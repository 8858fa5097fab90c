/** Errors of the change-rules path; each names the rule or record it is about. */
export class ChangeRuleError extends Error {
  override name = 'ChangeRuleError';
}

/** A rule's filter needs the row's old values, and the change has none (the table lost REPLICA IDENTITY FULL). */
export class MissingBeforeImageError extends ChangeRuleError {
  override name = 'MissingBeforeImageError';
  constructor(
    readonly rule: string,
    readonly table: string,
    readonly lsn: number,
  ) {
    super(
      `rule "${rule}": the ${table} change at LSN ${lsn} has no before image, so which columns changed is ` +
        'unknown (the capture plan sets REPLICA IDENTITY FULL; run the migrations again)',
    );
  }
}

/** The record on the change-rules stream is neither a row change, a WAL message nor a heartbeat. */
export class InvalidChangeRecordError extends ChangeRuleError {
  override name = 'InvalidChangeRecordError';
  constructor(
    readonly sequenceNumber: string,
    readonly reason: string,
  ) {
    super(`record ${sequenceNumber} is not a row change: ${reason}`);
  }
}

/** The rule's group key column is missing or null in the row, so the change has no FIFO group. */
export class MissingGroupKeyError extends ChangeRuleError {
  override name = 'MissingGroupKeyError';
  constructor(
    readonly rule: string,
    readonly column: string,
    readonly lsn: number,
  ) {
    super(`rule "${rule}": the change at LSN ${lsn} has no value in group key column "${column}"`);
  }
}

/** SQS refused a rule delivery: the batch fails and is retried by the stream mapping. */
export class RuleSendFailedError extends ChangeRuleError {
  override name = 'RuleSendFailedError';
  constructor(
    readonly consumer: string,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`sending to the ${consumer} queue failed: ${code} ${detail}`);
  }
}

/** A message on a change consumer's queue that is not a rule message. */
export class MalformedRuleMessageError extends ChangeRuleError {
  override name = 'MalformedRuleMessageError';
  constructor(
    readonly messageId: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`message ${messageId} is not a rule message: ${reason}`, options);
  }
}
