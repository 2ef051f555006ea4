import type { HookName, ClusterPolicy, FleetPolicy, Origin } from '../policy/model.js';
import type { Repo } from '../rules/rule.js';
import { clusterSubject, sourcesOf, withHeader, type Artifact, type CompileResult } from './artifact.js';
import { redactSecrets } from '../policy/hook-secrets.js';
import { cmonProblem, scriptProblem } from './engine-read.js';
import { verdicts } from './exclusions.js';
import { Notes, singleScriptHooks } from './unexpressed.js';

/** cmon's failover hook keys for the policy's hook events; cmon has no post-master-only hook. */
export const CMON_HOOK_KEYS: Partial<Record<HookName, string>> = {
  onFailureDetection: 'replication_onfail_failover_script',
  preFailover: 'replication_pre_failover_script',
  postFailover: 'replication_post_failover_script',
  postUnsuccessfulFailover: 'replication_post_unsuccessful_failover_script',
};

/**
 * Keys succession owns inside a `cmon_<id>.cnf`, with the aliases cmon accepts for them. `--merge-into`
 * rewrites exactly these and leaves every other line alone.
 */
export const CMON_MANAGED_KEYS: Readonly<Record<string, readonly string[]>> = {
  cluster_id: [],
  cluster_name: ['name'],
  mysql_server_addresses: [],
  replication_failover_whitelist: [],
  replication_failover_blacklist: [],
  enable_cluster_autorecovery: ['enable_autorecovery'],
  enable_node_autorecovery: ['enable_autorecovery'],
  ...Object.fromEntries(Object.values(CMON_HOOK_KEYS).map((k) => [k, []])),
};

/** Characters a cmon value may hold without quotes. */
const PLAIN = /^[A-Za-z0-9_.,:/@+[\]-]*$/;

/**
 * A value in cmon's syntax: plain when it is made of safe characters, else single-quoted (cmon's
 * rule for special characters). Undefined when cmon would not read it back unchanged.
 */
export function cnfValue(value: string): string | undefined {
  if (PLAIN.test(value)) return value;
  if (cmonProblem(value) !== undefined) return undefined;
  return `'${value}'`;
}

export interface CmonEntry {
  key: string;
  value: string;
  /** Where a free-text value (a hook) was written, for findings about it. */
  at?: Origin;
  /** A hook's script, which cmon runs: it must also be a plain word (scriptProblem). */
  script?: boolean;
}

/** The key/value pairs of one cluster's cmon file, in file order; raw values (not yet quoted). */
export function cmonEntries(cluster: ClusterPolicy, fleet: FleetPolicy | undefined, notes: Notes): CmonEntry[] {
  const cmon = cluster.cmon!;
  const entries: CmonEntry[] = [
    { key: 'cluster_id', value: String(cmon.clusterId) },
    { key: 'cluster_name', value: cluster.name },
    { key: 'type', value: fleet?.cmon.clusterType ?? 'replication' },
  ];
  if (fleet?.cmon.vendor) entries.push({ key: 'vendor', value: fleet.cmon.vendor });
  const all = verdicts(cluster);
  entries.push({ key: 'mysql_server_addresses', value: all.map((v) => v.host.key).join(',') });

  const allowed = all.filter((v) => v.reasons.length === 0).map((v) => v.host.key);
  const barred = all.filter((v) => v.reasons.length > 0).map((v) => v.host.key);
  if (cluster.candidates.whitelist && allowed.length > 0) {
    // why: cmon ignores the blacklist once a whitelist exists, so DR, blacklisted, role and
    // must_not hosts are folded out of the whitelist instead.
    entries.push({ key: 'replication_failover_whitelist', value: allowed.join(',') });
  } else if (barred.length > 0) {
    if (allowed.length === 0 && cluster.candidates.whitelist) {
      notes.add(cluster.file, ['candidates', 'whitelist'], 'no whitelisted host survives the exclusions, and an empty whitelist means "any host" to cmon; every host is blacklisted instead.');
    }
    entries.push({ key: 'replication_failover_blacklist', value: barred.join(',') });
  }

  entries.push({ key: 'enable_cluster_autorecovery', value: cmon.autoRecovery.cluster ? '1' : '0' });
  entries.push({ key: 'enable_node_autorecovery', value: cmon.autoRecovery.node ? '1' : '0' });
  const hooks = singleScriptHooks(cluster, CMON_HOOK_KEYS, notes, 'cmon calls with its own arguments (all servers, old master, candidate, replicas of the old master)');
  for (const h of hooks.sort((a, b) => (a.key < b.key ? -1 : 1))) entries.push({ key: h.key, value: h.script, at: h.at, script: true });
  entries.push({ key: 'logfile', value: `${fleet?.cmon.logDir ?? '/var/log'}/cmon_${cmon.clusterId}.log`, ...(fleet ? { at: { file: fleet.file, path: ['cmon', 'logDir'] } } : {}) });
  return entries;
}

/** Reports the parts of the policy cmon has no setting for. */
function noteUnexpressed(cluster: ClusterPolicy, notes: Notes): void {
  for (const h of cluster.hosts) {
    if (h.promotion === 'prefer' || h.promotion === 'prefer_not') {
      notes.add(cluster.file, ['hosts', h.written, 'promotion'], `has no promotion levels; "${h.promotion}" on ${h.key} is not expressed (only must_not is, through the white/blacklist).`);
    }
    if (h.semiSyncPriority > 0) {
      notes.add(cluster.file, ['hosts', h.written, 'semiSyncPriority'], `has no semi-sync priority; ${h.key}'s priority ${h.semiSyncPriority} is not expressed.`);
    }
  }
  notes.setting(cluster, ['semiSync', 'enforcement'], 'does not manage which replicas acknowledge semi-sync writes; the enforcement mode is not expressed.');
  notes.setting(cluster, ['semiSync', 'lockedMasterSeconds'], 'has no locked semi-sync primary detection; lockedMasterSeconds is not expressed.');
  notes.setting(cluster, ['semiSync', 'waitForReplicaCount'], 'configures semi-sync only when it deploys a cluster; waitForReplicaCount is not written.');
  notes.setting(cluster, ['antiFlapping', 'recoveryBlockSeconds'], 'has no anti-flapping period setting; recoveryBlockSeconds is not expressed.');
  notes.setting(cluster, ['candidates', 'maxLagSeconds'], 'has no lag limit for candidates (max_replication_lag only raises an alarm); maxLagSeconds is not expressed.');
}

/** Renders one cluster's `cmon_<id>.cnf` body (no header): `key=value` lines. */
export function renderCnf(entries: readonly CmonEntry[], cluster: ClusterPolicy, notes: Notes): string | undefined {
  const lines: string[] = [];
  let safe = true;
  for (const e of entries) {
    const value = cnfValue(e.value);
    const problem = cmonProblem(e.value) ?? (e.script ? scriptProblem(e.value) : undefined);
    if (value === undefined || problem !== undefined) {
      safe = false;
      notes.unsafe(
        e.at?.file ?? cluster.file,
        e.at?.path ?? [],
        `the value of ${e.key} (${JSON.stringify(redactSecrets(e.value))}) ${problem}.`,
        e.script ? 'Use a script path made of letters, digits and / . _ - only; a wrapper script can hold the rest.' : 'Use a value made of letters, digits and / . _ - only.',
      );
      continue;
    }
    lines.push(`${e.key}=${value}`);
  }
  return safe ? `${lines.join('\n')}\n` : undefined;
}

/** Compiles every cluster with a `cmon` section into `cmon/cmon_<clusterId>.cnf`. */
export function compileCmon(repo: Pick<Repo, 'clusters' | 'fleet'>): CompileResult {
  const notes = new Notes('cmon');
  const artifacts: Artifact[] = [];
  for (const cluster of [...repo.clusters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!cluster.cmon) continue;
    noteUnexpressed(cluster, notes);
    const body = renderCnf(cmonEntries(cluster, repo.fleet, notes), cluster, notes);
    if (body === undefined) continue;
    const sources = sourcesOf(cluster.file.path, repo.fleet?.file.path);
    artifacts.push({ path: `cmon/cmon_${cluster.cmon.clusterId}.cnf`, content: withHeader('#', sources, clusterSubject(cluster), body), sourceFiles: sources });
  }
  return { artifacts, reports: notes.reports };
}
