import { rankCandidates } from '../policy/candidates.js';
import type { Instance } from '../topology/model.js';
import { afterPromotion, liveProblems, policyExclusions, prediction, triage, versionSeries, type FailureContext } from './context.js';
import type { EnginePrediction, Exclusion } from './model.js';
import { compareProgress } from './progress.js';
import { semiSyncOutcome } from './semisync.js';

/** masterha_manager pings every ping_interval (3 s) and needs a few failures; an estimate. */
const MHA_DETECT_SECONDS = 12;

/**
 * Where MHA 0.58 dies on a replica's version string. MHA/NodeUtil.pm hands every number in it to
 * `sprintf('%03d%03d%03d')` (line 195, while reading each replica) and then to `sprintf('%03d%03d')`
 * (line 201, comparing the replicas' major versions). From Perl 5.22 on, a surplus or missing
 * argument is a warning, and MHA makes every warning fatal: no version string passes both.
 */
export function versionParseStop(version: string): string {
  const numbers = version.match(/\d+/g)?.length ?? 0;
  if (numbers !== 3) return `${numbers > 3 ? 'Redundant' : 'Missing'} argument in sprintf at MHA/NodeUtil.pm line 195`;
  return 'Redundant argument in sprintf at MHA/NodeUtil.pm line 201';
}

/**
 * Why MHA 0.58 is not running on a MariaDB cluster, or undefined when its servers are not MariaDB.
 * Observed with Debian's mha4mysql 0.58 on MariaDB 10.11: masterha_manager and masterha_check_repl
 * exit while reading the replicas' version strings; with that parsing fixed, MHA sees no GTIDs and
 * needs SSH and its node tools on every server, and those stop on MariaDB's missing super_read_only.
 */
function mariadbStop(ctx: FailureContext): string | undefined {
  const flavor = (i: Instance) => i.flavor ?? ctx.cluster.flavor;
  if (!ctx.component.some((i) => flavor(i) === 'mariadb')) return undefined;
  // why: limited to MariaDB because only MariaDB servers were run under the real MHA; MySQL's
  // version strings reach the same parsers (docs/build.md).
  const versions = ctx.component.filter((i) => i.source !== undefined && i.version !== undefined).map((i) => i.version!.text);
  const stops = versions.map(versionParseStop);
  const stop = stops.find((s) => s.endsWith('line 195')) ?? stops[0] ?? 'Redundant argument in sprintf at MHA/NodeUtil.pm line 195 or 201';
  return `MHA 0.58 does not start on MariaDB: masterha_manager exits while reading the replicas' version strings ("${stop}", with Perl 5.22 or later), so no MHA watches ${ctx.failed.key}`;
}

const MARIADB_NO_GTID =
  "MHA reads no MariaDB GTIDs (GTID failover mode = 0): it fails over by binary log file and position, over SSH to every server with the MHA node tools, and those stop on MariaDB (\"Unknown system variable 'super_read_only'\")";

/**
 * The order in which MHA 0.58's select_new_master (ServerManager.pm) tries the replicas it may
 * promote: candidate_master replicas among the latest, then any candidate_master replica, then the
 * latest, then the rest, each group in the config's block order (the policy's ranking, see
 * compile/mha.ts). "Latest" is reckoned over every live replica MHA manages, promotable or not.
 */
function selectionOrder(ctx: FailureContext, eligible: Instance[]): Instance[] {
  const managed = ctx.siblings.filter((i) => i.reachable && ctx.policy.has(i.key)).sort((a, b) => compareProgress(a, b, ctx.failed));
  const latest = new Set(managed.filter((i) => compareProgress(i, managed[0]!, ctx.failed) === 0).map((i) => i.key));
  const blocks = rankCandidates(ctx.cluster.hosts).map((h) => h.key);
  // why: compile/mha.ts writes candidate_master on every allowed host under a whitelist, else on prefer hosts.
  const candidate = (i: Instance) => ctx.cluster.candidates.whitelist !== undefined || ctx.policy.get(i.key)?.promotion === 'prefer';
  const group = (i: Instance) => (candidate(i) ? 0 : 2) + (latest.has(i.key) ? 0 : 1);
  return [...eligible].sort((a, b) => group(a) - group(b) || blocks.indexOf(a.key) - blocks.indexOf(b.key));
}

/**
 * MHA 0.58 select_new_master with the generated config: candidate_master on the policy's
 * candidates, no_master on the rest; bad replicas skipped (dead, no_master, log_bin off, not the
 * oldest major version, far behind). On MariaDB it never gets that far.
 */
export function mhaFailover(ctx: FailureContext): EnginePrediction {
  const { failed } = ctx;
  const alive = ctx.siblings.filter((i) => i.reachable);
  const oldestMajor = Math.min(...alive.map((i) => versionSeries(i) ?? Infinity));
  const { eligible, excluded } = triage(ctx, (i) => {
    const reasons: Exclusion[] = [...policyExclusions(ctx, i.key), ...liveProblems(i).filter((r) => r !== 'broken-replication')];
    const series = versionSeries(i);
    if (series !== undefined && Number.isFinite(oldestMajor) && series > oldestMajor) reasons.push('version');
    return reasons;
  });
  const ranking = selectionOrder(ctx, eligible);
  const stopped = mariadbStop(ctx);
  if (stopped !== undefined) {
    const notes = [stopped, MARIADB_NO_GTID];
    if (ranking[0]) notes.push(`with those stops patched, MHA would promote ${ranking[0].key}`);
    const timeline = [
      { at: 0, kind: 'failure' as const, event: `${failed.key} fails` },
      { at: 0, kind: 'recovery-failed' as const, event: 'no failover: masterha_manager is not running; writes stall until someone promotes a replica' },
    ];
    const after = afterPromotion(ctx, undefined);
    return prediction('mha', { stopped: 'does not start on MariaDB', ranking: [], excluded: [], notes, timeline, outcome: semiSyncOutcome(ctx, undefined, after, 0), after });
  }
  const promoted = ranking[0];
  const notes = [
    "MHA's 'far behind' check is a fixed ~100 MB of relay log; a delayed replica is treated as far behind here",
    'MHA applies missing relay-log events to the new primary itself, so a stopped SQL thread does not exclude a replica',
    'MHA does not manage semi-sync',
  ];
  const timeline = [
    { at: 0, kind: 'failure' as const, event: `${failed.key} fails` },
    { at: MHA_DETECT_SECONDS, kind: 'recovery' as const, event: promoted ? `masterha_manager promotes ${promoted.key} (estimated)` : 'MHA finds no candidate: the failover aborts' },
  ];
  const after = afterPromotion(ctx, promoted);
  const outcome = semiSyncOutcome(ctx, promoted?.key, after, MHA_DETECT_SECONDS);
  return prediction('mha', { promoted, ranking, excluded, notes, timeline, outcome, after });
}
