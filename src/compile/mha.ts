import { rankCandidates } from '../policy/candidates.js';
import type { ClusterPolicy, FleetPolicy, HookName, Origin } from '../policy/model.js';
import type { Repo } from '../rules/rule.js';
import { byCode, clusterSubject, sourcesOf, withHeader, type Artifact, type CompileResult } from './artifact.js';
import { redactSecrets } from '../policy/hook-secrets.js';
import { mhaProblem, scriptProblem } from './engine-read.js';
import { verdicts } from './exclusions.js';
import { Notes, singleScriptHooks } from './unexpressed.js';

/**
 * MHA's scripts for the policy's hook events. MHA calls master_ip_failover_script before the
 * promotion (`--command=stop|stopssh`), after it (`--command=start`) and for health checks
 * (`--command=status`); report_script once a failover has ended.
 */
export const MHA_HOOK_KEYS: Partial<Record<HookName, string>> = {
  preFailover: 'master_ip_failover_script',
  postFailover: 'report_script',
};

export interface Line {
  key: string;
  value: string;
  at?: Origin;
  /** A hook's script, which MHA runs through a shell: it must also be a plain word (scriptProblem). */
  script?: boolean;
}

function serverDefault(cluster: ClusterPolicy, fleet: FleetPolicy | undefined, notes: Notes): Line[] {
  const workdir = cluster.mha?.managerWorkdir ?? `/var/log/masterha/${cluster.name}`;
  // why: a value MHA would read otherwise is reported where the policy sets it.
  const workdirAt = cluster.mha?.managerWorkdir === undefined ? undefined : { file: cluster.file, path: ['mha', 'managerWorkdir'] };
  const fleetAt = (key: string) => (fleet ? { at: { file: fleet.file, path: ['mha', key] } } : {});
  const lines: Line[] = [
    { key: 'manager_workdir', value: workdir, ...(workdirAt ? { at: workdirAt } : {}) },
    { key: 'manager_log', value: `${workdir}/manager.log`, ...(workdirAt ? { at: workdirAt } : {}) },
    { key: 'ssh_user', value: fleet?.mha.sshUser ?? 'root', ...fleetAt('sshUser') },
  ];
  if (fleet?.mha.user) lines.push({ key: 'user', value: fleet.mha.user, ...fleetAt('user') });
  if (fleet?.mha.replicationUser) lines.push({ key: 'repl_user', value: fleet.mha.replicationUser, ...fleetAt('replicationUser') });
  if (fleet?.mha.remoteWorkdir) lines.push({ key: 'remote_workdir', value: fleet.mha.remoteWorkdir, ...fleetAt('remoteWorkdir') });
  if (fleet?.mha.masterBinlogDir) lines.push({ key: 'master_binlog_dir', value: fleet.mha.masterBinlogDir.join(','), ...fleetAt('masterBinlogDir') });
  // why: without it MHA refuses to manage a replica whose source is not the primary.
  if (cluster.hosts.some((h) => h.source !== undefined && h.source !== cluster.primary)) lines.push({ key: 'multi_tier_slave', value: '1' });
  const hooks = singleScriptHooks(cluster, MHA_HOOK_KEYS, notes, 'MHA calls with its own options (--command, --orig_master_host, ...)');
  for (const h of hooks) lines.push({ key: h.key, value: h.script, at: h.at, script: true });
  return lines.sort((a, b) => byCode(a.key, b.key));
}

/**
 * The [serverN] blocks. MHA breaks ties between candidates by block order, so candidates come
 * first in the policy's ranking, then every other host by key.
 */
function servers(cluster: ClusterPolicy, notes: Notes): Line[][] {
  const all = verdicts(cluster);
  const allowed = rankCandidates(all.filter((v) => v.reasons.length === 0).map((v) => v.host));
  const barred = all.filter((v) => v.reasons.length > 0).map((v) => v.host);
  const whitelist = cluster.candidates.whitelist !== undefined;
  return [...allowed, ...barred].map((h) => {
    const lines: Line[] = [
      { key: 'hostname', value: h.host },
      { key: 'port', value: String(h.port) },
    ];
    if (barred.includes(h)) lines.push({ key: 'no_master', value: '1' });
    else if (whitelist || h.promotion === 'prefer') lines.push({ key: 'candidate_master', value: '1' });
    else if (h.promotion === 'prefer_not') {
      notes.add(cluster.file, ['hosts', h.written, 'promotion'], `has no "prefer_not" level; ${h.key} is an ordinary candidate.`);
    }
    return lines;
  });
}

function noteUnexpressed(cluster: ClusterPolicy, notes: Notes): void {
  for (const h of cluster.hosts) {
    if (h.semiSyncPriority > 0) notes.add(cluster.file, ['hosts', h.written, 'semiSyncPriority'], `has no semi-sync priority; ${h.key}'s priority ${h.semiSyncPriority} is not expressed.`);
  }
  notes.setting(cluster, ['semiSync', 'enforcement'], 'does not manage semi-sync; the enforcement mode is not expressed.');
  notes.setting(cluster, ['semiSync', 'lockedMasterSeconds'], 'has no locked semi-sync primary detection; lockedMasterSeconds is not expressed.');
  notes.setting(cluster, ['semiSync', 'waitForReplicaCount'], 'does not configure semi-sync; waitForReplicaCount is not written.');
  notes.setting(
    cluster,
    ['antiFlapping', 'recoveryBlockSeconds'],
    'sets its anti-flapping period on the masterha_manager command line (--last_failover_minute, default 480), not in the config; recoveryBlockSeconds is not written.',
  );
  notes.setting(cluster, ['candidates', 'maxLagSeconds'], "skips candidates by a fixed relay-log distance (check_repl_delay, about 100 MB), not seconds; maxLagSeconds is not expressed.");
}

/** One cluster's MHA config as blocks of key/value lines, in file order (values not yet checked). */
export function mhaBlocks(cluster: ClusterPolicy, fleet: FleetPolicy | undefined, notes: Notes): { name: string; lines: Line[] }[] {
  return [{ name: 'server default', lines: serverDefault(cluster, fleet, notes) }, ...servers(cluster, notes).map((lines, i) => ({ name: `server${i + 1}`, lines }))];
}

function render(blocks: { name: string; lines: Line[] }[], cluster: ClusterPolicy, notes: Notes): string | undefined {
  const out: string[] = [];
  let safe = true;
  for (const b of blocks) {
    if (out.length > 0) out.push('');
    out.push(`[${b.name}]`);
    // why: every [serverN] block takes the [server default] values over, and MHA parses them again there.
    const inherited = b.name === 'server default';
    for (const l of b.lines) {
      const problem = mhaProblem(l.key, l.value, inherited) ?? (l.script ? scriptProblem(l.value) : undefined);
      if (problem !== undefined) {
        safe = false;
        notes.unsafe(
          l.at?.file ?? cluster.file,
          l.at?.path ?? [],
          `the value of ${l.key} (${JSON.stringify(redactSecrets(l.value))}) ${problem}.`,
          l.script ? 'Use a script path made of letters, digits and / . _ - only; a wrapper script can hold the rest.' : 'Remove the quotes, blanks, " ; " and control characters from the value.',
        );
        continue;
      }
      out.push(`${l.key}=${l.value}`);
    }
  }
  return safe ? `${out.join('\n')}\n` : undefined;
}

/** Compiles every cluster with MHA enabled into `mha/<cluster>.cnf`. */
export function compileMha(repo: Pick<Repo, 'clusters' | 'fleet'>): CompileResult {
  const notes = new Notes('MHA');
  const artifacts: Artifact[] = [];
  for (const cluster of [...repo.clusters].sort((a, b) => byCode(a.name, b.name))) {
    if (!cluster.mha?.enabled) continue;
    noteUnexpressed(cluster, notes);
    const blocks = mhaBlocks(cluster, repo.fleet, notes);
    const body = render(blocks, cluster, notes);
    if (body === undefined) continue;
    const sources = sourcesOf(cluster.file.path, repo.fleet?.file.path);
    artifacts.push({ path: `mha/${cluster.name}.cnf`, content: withHeader('#', sources, clusterSubject(cluster), body), sourceFiles: sources });
  }
  return { artifacts, reports: notes.reports };
}
