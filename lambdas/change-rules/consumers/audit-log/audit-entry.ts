import type { RuleMessage } from '../../rule-message.ts';

/** One append-only audit item: pk `entity` (`<table>#<key>`), sk `lsn` (a row's changes in WAL order). */
export interface AuditEntry {
  entity: string;
  lsn: number;
  table: string;
  key: string;
  op: RuleMessage['op'];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changedColumns: string[] | null;
  /** The database role, when the change carries it (the WAL does not: null). */
  role: string | null;
  txId: number;
  committedAt: string;
  changeId: string;
  rule: string;
}

export function auditEntry(message: RuleMessage): AuditEntry {
  return {
    entity: `${message.table}#${message.key}`,
    lsn: message.lsn,
    table: message.table,
    key: message.key,
    op: message.op,
    before: message.before,
    after: message.after,
    changedColumns: message.changedColumns,
    role: message.role,
    txId: message.txId,
    committedAt: message.committedAt,
    changeId: message.changeId,
    rule: message.rule,
  };
}
