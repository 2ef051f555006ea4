import type { JsonPath } from './locate.js';
import type { SourceFile } from './source.js';

export type Role = 'backup' | 'reporting' | 'olap' | 'dev' | 'delayed';
export type PromotionLevel = 'prefer' | 'neutral' | 'prefer_not' | 'must_not';
export type Enforcement = 'exact' | 'recover-locked' | 'off';
export type ServerFlavor = 'mysql' | 'percona' | 'mariadb';
/** The orchestrator builds whose behaviour succession models, as a deployment's `release` names them. */
export const ORCHESTRATOR_RELEASES = ['openark-3.2.6', 'percona-3.2.6-13'] as const;
export type OrchestratorRelease = (typeof ORCHESTRATOR_RELEASES)[number];
export type HookName = 'onFailureDetection' | 'preFailover' | 'postFailover' | 'postMasterFailover' | 'postUnsuccessfulFailover';

export const HOOK_NAMES: readonly HookName[] = [
  'onFailureDetection',
  'preFailover',
  'postFailover',
  'postMasterFailover',
  'postUnsuccessfulFailover',
];

/** Where a resolved value was written: the file and the JSON path inside it. */
export interface Origin {
  file: SourceFile;
  path: JsonPath;
}

export interface HostPolicy {
  /** Canonical host key (`host:port`). */
  key: string;
  /** Canonical host: what comparisons use. */
  host: string;
  /**
   * The host as the operator wrote it (no brackets, no port): what the server reports as its
   * report_host, and so what orchestrator, which names servers by it, is given.
   */
  name: string;
  port: number;
  /** The key exactly as written in the policy (its JSON path segment). */
  written: string;
  dc?: string;
  role?: Role;
  promotion: PromotionLevel;
  semiSyncPriority: number;
  /** Canonical key of the host it replicates from; undefined for the primary. */
  source?: string;
  /** The `source` setting as written, when the policy sets one. */
  sourceRef?: HostRef;
  /** False when the key written under `hosts` is no host key (invalid-host-key reports it). */
  validKey: boolean;
}

/** A list entry naming a host, as written and as resolved. */
export interface HostRef {
  written: string;
  /** Canonical key; undefined when the text is not a host key at all. */
  key: string | undefined;
  path: JsonPath;
}

/** A cluster policy with fleet defaults applied and host keys normalised. */
export interface ClusterPolicy {
  name: string;
  file: SourceFile;
  description?: string;
  primary: string;
  primaryRef: HostRef;
  /** What the servers run, where the policy says so. */
  flavor?: ServerFlavor;
  hosts: HostPolicy[];
  cmon?: { clusterId: number; autoRecovery: { cluster: boolean; node: boolean } };
  orchestrator?: { deployment: string };
  mha?: { enabled: boolean; managerWorkdir?: string };
  datacenters: { home?: string; preventCrossDatacenter: boolean };
  candidates: { whitelist?: HostRef[]; blacklist: HostRef[]; maxLagSeconds?: number };
  semiSync: { waitForReplicaCount: number; enforcement: Enforcement; lockedMasterSeconds: number };
  antiFlapping: { recoveryBlockSeconds: number };
  hooks: Record<HookName, string[]>;
  /** How long each event's hooks run, where the policy says (`hooks.seconds`). */
  hookSeconds: Partial<Record<HookName, number>>;
  /** Where a setting came from: the cluster file, else the fleet defaults, else the cluster root. */
  origin(path: JsonPath): Origin;
  /** True when neither the cluster nor the fleet file sets `path` (a built-in default applies). */
  isDefault(path: JsonPath): boolean;
  /**
   * The origin of the first of `paths` that is set somewhere, else `fallback` in the cluster file:
   * a finding about a defaulted value points at the setting that makes it matter.
   */
  anchor(paths: readonly JsonPath[], fallback: JsonPath): Origin;
}

export type BackendType = 'sqlite' | 'mysql';

export interface OrchestratorDeployment {
  name: string;
  release: OrchestratorRelease;
  /** InstancePollSeconds. */
  instancePollSeconds: number;
  raftNodes: string[];
  raftPort: number;
  dataDir: string;
  httpPort: number;
  backend: {
    type: BackendType;
    sqliteFile: string;
    mysqlHost: string;
    mysqlPort: number;
    mysqlDatabase: string;
    credentialsFile?: string;
  };
  topologyCredentialsFile?: string;
  metaSchema: string;
  path: JsonPath;
}

export interface FleetPolicy {
  file: SourceFile;
  defaultPort: number;
  deployments: Map<string, OrchestratorDeployment>;
  cmon: { configDir: string; clusterType: string; vendor?: string; logDir: string };
  mha: { sshUser: string; user?: string; replicationUser?: string; remoteWorkdir?: string; masterBinlogDir?: string[] };
}

/** Built-in defaults: orchestrator's own where a setting maps to one of its keys. */
export const DEFAULTS = {
  port: 3306,
  recoveryBlockSeconds: 3600,
  lockedMasterSeconds: 10,
  waitForReplicaCount: 1,
  raftPort: 10008,
  httpPort: 3000,
  instancePollSeconds: 5,
  orchestratorRelease: 'openark-3.2.6',
  raftDataDir: '/var/lib/orchestrator',
  metaSchema: 'meta',
} as const;
