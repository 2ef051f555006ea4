import type { Finding } from '../findings.js';
import type { Engine } from '../simulate/model.js';

/** One setting before and after; a side without it (not set, no such file) has no value. */
export interface SettingChange {
  /** The setting, e.g. `candidates.whitelist`, `replication_failover_whitelist`, `[server rha-db-02:3306] candidate_master`. */
  setting: string;
  before?: string;
  after?: string;
  /** For a list that gains or loses entries (then before and after are left out): the entries added and removed. */
  added?: string[];
  removed?: string[];
  /** For a cluster's own policy settings: whether the value comes from the cluster file or the fleet file. */
  from?: 'cluster' | 'fleet';
}

/** A host that became, or stopped being, a failover candidate, and the policy's reasons. */
export interface CandidateChange {
  host: string;
  change: 'added' | 'removed';
  /** Why it is not a candidate on the side where it is not one (whitelist, role, DC fence, ...). */
  reasons: string[];
}

/** What one engine does when one host fails, as far as a reviewer compares it. */
export interface Outcome {
  /** The promoted host (or, for an intermediate primary, the host its replicas move under); null: none. */
  successor: string | null;
  /** Replicas acknowledging semi-sync writes afterwards. */
  ackers: string[];
  /** Worst-case seconds of write stall; null when unbounded (only a human ends it). */
  stallSeconds: number | null;
}

/** One single-host failure whose outcome differs; a side where the engine does not manage the cluster (or the cluster does not exist) has no outcome. */
export interface FailureChange {
  failed: string;
  engine: Engine;
  before?: Outcome;
  after?: Outcome;
}

export interface WorstStall {
  failed: string;
  engine: Engine;
  stallSeconds: number | null;
}

/** The kinds of change `--fail-on-change` can fail a run on. */
export const CHANGE_KINDS = ['successor', 'candidates', 'stall'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ClusterDiff {
  name: string;
  status: 'added' | 'removed' | 'changed';
  /** The cluster's policy file on each side. */
  file: { before?: string; after?: string };
  /** The resolved policy settings that differ (fleet defaults applied). */
  policy: SettingChange[];
  candidates: CandidateChange[];
  /** Undefined when no topology was available to simulate against. */
  failures?: { changes: FailureChange[]; worst: { before?: WorstStall; after?: WorstStall } };
  /** Setting-level changes of the generated configs, per engine (orchestrator: the cluster's meta rows). */
  config: { cmon: SettingChange[]; orchestrator: SettingChange[]; mha: SettingChange[] };
  /** Orchestrator deployments (base and head) whose node configs change with this cluster. */
  deployments: string[];
  findings: { added: Finding[]; resolved: Finding[] };
  notes: string[];
  kinds: ChangeKind[];
}

/** The node configs of one orchestrator deployment. */
export interface DeploymentDiff {
  name: string;
  /**
   * Clusters the change reaches, sorted: those the added or removed filter entries name or hold
   * (`alias=…`, promotion filters of their hosts) when nothing else changes; else every cluster
   * the deployment runs, on either side.
   */
  clusters: string[];
  /** Per raft node directory: key changes of its orchestrator.conf.json (a node on one side only: every key added or removed). */
  nodes: { node: string; changes: SettingChange[] }[];
  /** How many raft nodes the deployment has (the larger side): a key that changes on every node is shown once. */
  nodeCount: number;
}

/** A fleet-file setting that changes, and the clusters whose behaviour it changes. */
export interface FleetChange extends SettingChange {
  clusters: string[];
}

export interface DiffResult {
  base: string;
  head: string;
  /** Clusters whose behaviour or findings change, sorted by name. */
  clusters: ClusterDiff[];
  fleet: FleetChange[];
  deployments: DeploymentDiff[];
  /** Findings of neither side's clusters (repository-wide, or in files that define no cluster). */
  findings: { added: Finding[]; resolved: Finding[] };
  notes: string[];
  /** Policy files with the same path and text on both sides. */
  unchanged: number;
}
