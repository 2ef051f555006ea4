export type Engine = 'orchestrator' | 'cmon' | 'mha';
export const ENGINES: readonly Engine[] = ['orchestrator', 'cmon', 'mha'];

/** Why a host was not promoted. */
export type Exclusion =
  | 'failed'
  | 'unreachable'
  | 'undeclared'
  | 'whitelist'
  | 'blacklist'
  | 'role'
  | 'must_not'
  | 'dc-fence'
  | 'not-direct-replica'
  | 'delay'
  | 'lag'
  | 'version'
  | 'binlog'
  | 'binlog-format'
  | 'broken-replication'
  | 'errant-gtid';

export interface Excluded {
  key: string;
  reasons: Exclusion[];
}

/** What a timeline event is, for readers that check a prediction against what happened. */
export type TimelineKind = 'failure' | 'detection' | 'hook' | 'promotion' | 'recovery' | 'recovery-failed' | 'semi-sync' | 'block' | 'retry';

export interface TimelineEvent {
  /** Seconds after the failure: when it is expected. */
  at: number;
  /** The earliest and the latest it can happen, where the engine's timing has bounds. */
  earliest?: number;
  latest?: number;
  kind: TimelineKind;
  event: string;
}

/** One surviving server once the engine is done. */
export interface HostAfter {
  key: string;
  /** The server it replicates from; absent for the new primary and a server left without a source. */
  source?: string;
  /** Both replication threads run. */
  replicating: boolean;
  readOnly: boolean;
  /** `rpl_semi_sync_master_enabled` / `_source_enabled`. */
  semiSyncSource: boolean;
  /** `rpl_semi_sync_slave_enabled` / `_replica_enabled`. */
  semiSyncReplica: boolean;
}

export interface SemiSyncAfter {
  /** Whether semi-sync is in play at all for this cluster. */
  inUse: boolean;
  waitForReplicaCount: number;
  /** Replicas acknowledging writes of the new primary once the engine is done. */
  ackers: string[];
  met: boolean;
  /** Whether the new primary turns semi-sync on (orchestrator: only when its priority is above 0). */
  primaryEnabled: boolean;
  /**
   * Seconds the first write on the primary waits once the engine is done: 0 when enough replicas
   * acknowledge (or semi-sync is off), else until a repair or `rpl_semi_sync_master_timeout`;
   * null when nothing ends the wait but a human.
   */
  blockedSeconds: number | null;
}

export interface EnginePrediction {
  engine: Engine;
  /** The host the engine promotes; undefined when the failover fails or none is needed. */
  promoted?: string;
  /** Why the engine makes no attempt to fail over at all, in a few words ("does not start on MariaDB"). */
  stopped?: string;
  /** For a failed intermediate primary: the server its replicas are moved under. */
  replacement?: string;
  /** Candidates in the order the engine considers them, best first. */
  ranking: string[];
  excluded: Excluded[];
  /** Where the engine's behaviour is uncertain or not modelled, in plain words. */
  notes: string[];
  semiSync: SemiSyncAfter;
  /** Every surviving server of the cluster once the engine is done, by key. */
  after: HostAfter[];
  timeline: TimelineEvent[];
  /** Worst-case seconds during which writes cannot commit; null when unbounded (manual repair). */
  writeStallSeconds: number | null;
}

export interface Simulation {
  cluster: string;
  failed: string;
  /** Whether the failed host is the primary (a failover) or another host. */
  failedRole: 'primary' | 'intermediate' | 'replica';
  engines: EnginePrediction[];
}
