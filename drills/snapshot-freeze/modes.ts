import type { MariaDbLockingMode } from '../../cdk/lib/debezium-config.ts';

/** One way to snapshot the MariaDB orders table. */
export type SnapshotMode =
  /** The connector's initial snapshot (`snapshot.mode=initial`) under a `snapshot.locking.mode`. */
  | { name: `initial-${MariaDbLockingMode}`; kind: 'initial'; lockingMode: MariaDbLockingMode }
  /** `execute-snapshot` signal of type `incremental`: primary-key chunks read beside the stream, no lock. */
  | { name: 'incremental'; kind: 'incremental'; lockingMode: 'none' };

export const MODES: readonly SnapshotMode[] = [
  { name: 'initial-minimal', kind: 'initial', lockingMode: 'minimal' },
  { name: 'initial-extended', kind: 'initial', lockingMode: 'extended' },
  { name: 'initial-none', kind: 'initial', lockingMode: 'none' },
  { name: 'incremental', kind: 'incremental', lockingMode: 'none' },
];

/** Quick mode (npm test): the connector's default and the lock-free alternative, the choice a re-snapshot faces. */
export const QUICK_MODES: readonly SnapshotMode['name'][] = ['initial-minimal', 'incremental'];
