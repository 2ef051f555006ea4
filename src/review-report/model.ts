import type { ChangeKind } from '../diff/model.js';
import type { Finding } from '../findings.js';
import type { Engine } from '../simulate/model.js';

/** One host of a cluster as the report draws it: from the policy, the topology, or both. */
export interface ReportHost {
  key: string;
  /** The host it replicates from in the drawn tree (the topology's when known, else the policy's). */
  source?: string;
  /** A ring (co-primaries) drawn as a tree: the edge that was cut to draw it. */
  ring?: string;
  primary: boolean;
  dc?: string;
  role?: string;
  /** Absent for a host the topology has and the policy does not declare. */
  promotion?: string;
  semiSyncPriority?: number;
  /** Declared in the policy. */
  declared: boolean;
  /** Present in the topology (undefined when there is no topology for the cluster). */
  inTopology?: boolean;
  /** A failover candidate of the policy (no reason keeps it from being promoted). */
  candidate: boolean;
  /** Why it is not a candidate, in words; empty for a candidate. */
  reasons: string[];
  /** With --base: the host became (added) or stopped being (removed) a candidate. */
  candidateChange?: { change: 'added' | 'removed'; reasons: string[] };
  /** With --base: this host's own policy settings that change (dc, role, promotion, semiSyncPriority, source). */
  settingChanges?: { field: string; before?: string; after?: string }[];
}

/** What one engine does when one host fails. */
export interface Outcome {
  /** The promoted host, or for an intermediate primary the host its replicas move under; null: none. */
  successor: string | null;
  /** Why the engine makes no attempt at all, when it does not. */
  stopped?: string;
  /** Worst-case seconds of write stall; null when unbounded. */
  stallSeconds: number | null;
  ackers: string[];
}

/** One engine's outcome of one failure, with the base's when --base gives one that differs. */
export interface N1Cell {
  engine: Engine;
  now?: Outcome;
  /** Set only when the base's outcome differs (absent before: `before` is undefined and `changed` true). */
  changed?: boolean;
  before?: Outcome;
}

export interface N1Row {
  failed: string;
  failedRole: 'primary' | 'intermediate' | 'replica';
  cells: N1Cell[];
}

export interface ClusterReport {
  name: string;
  file: string;
  description?: string;
  engines: Engine[];
  hosts: ReportHost[];
  /** Where the tree comes from. */
  treeFrom: 'topology' | 'policy';
  /** Undefined when there is no topology to simulate against (see notes). */
  n1?: N1Row[];
  worst?: { failed: string; engine: Engine; stallSeconds: number | null };
  findings: Finding[];
  notes: string[];
  /** With --base: how the cluster changes; undefined when it does not (or without --base). */
  change?: ClusterChange;
}

export interface ClusterChange {
  status: 'added' | 'removed' | 'changed';
  kinds: ChangeKind[];
  /** Resolved policy settings that differ, as `setting: before → after`. */
  settings: string[];
  findings: { added: Finding[]; resolved: Finding[] };
  /** The worst-case stall on the base, when it differs. */
  worstBefore?: { failed: string; engine: Engine; stallSeconds: number | null };
}

export interface RuleRef {
  id: string;
  severity: string;
  description: string;
  url: string;
}

export interface ReportModel {
  title: string;
  /** Where the topology came from, or undefined without one. */
  topology?: string;
  /** With --base: what was compared. */
  base?: { label: string; head: string; notes: string[]; removed: string[] };
  clusters: ClusterReport[];
  /** Findings of no single cluster (the fleet file, repository-wide rules, files that do not parse). */
  repoFindings: Finding[];
  /** With --base: such findings added and resolved. */
  repoFindingChanges?: { added: Finding[]; resolved: Finding[] };
  /** Every rule a finding cites, by id. */
  rules: RuleRef[];
  notes: string[];
}
