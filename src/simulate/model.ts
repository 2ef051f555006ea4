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

export interface TimelineEvent {
  /** Seconds after the failure. */
  at: number;
  event: string;
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
}

export interface EnginePrediction {
  engine: Engine;
  /** The host the engine promotes; undefined when the failover fails or none is needed. */
  promoted?: string;
  /** Candidates in the order the engine considers them, best first. */
  ranking: string[];
  excluded: Excluded[];
  /** Where the engine's behaviour is uncertain or not modelled, in plain words. */
  notes: string[];
  semiSync: SemiSyncAfter;
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
