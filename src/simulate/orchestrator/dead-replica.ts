import type { Instance } from '../../topology/model.js';
import { afterList, replicating, survivorsAsNow, type FailureContext } from '../context.js';
import type { EnginePrediction, TimelineEvent } from '../model.js';
import { compareProgress } from '../progress.js';
import { semiSyncOutcome } from '../semisync.js';
import { capabilitiesOf, startReplication } from './actions.js';
import { readingsOf, type Reading } from './reads.js';
import { lockedPrimaryRepair } from './repair.js';
import { orchestratorTiming } from './timing.js';

/**
 * GetCandidateSiblingOfIntermediateMaster: the dead intermediate primary's siblings, those with
 * the most replicas (then the most advanced) first; the first valid one that is a `prefer`
 * server in its data center, else any `prefer` one, else one in its data center, else any valid
 * one. Valid: binary log and log_slave_updates, replicating, not banned, the same replication
 * filters, and not behind the dead server.
 */
function candidateSibling(ctx: FailureContext, read: (key: string) => Reading): Instance | undefined {
  const im = ctx.failed;
  const master = im.source === undefined ? undefined : ctx.byKey.get(im.source);
  const count = (i: Instance) => ctx.component.filter((x) => x.source === i.key).length;
  const siblings = ctx.component
    .filter((i) => i.key !== im.key && i.source === im.source && i.reachable)
    .sort((a, b) => count(b) - count(a) || (master ? compareProgress(a, b, master) : 0));
  const valid = siblings.filter(
    (s) =>
      s.logBin !== false &&
      s.logReplicaUpdates !== false &&
      replicating(s) &&
      !read(s.key).banned &&
      (s.replication?.hasFilters ?? false) === (im.replication?.hasFilters ?? false) &&
      (master === undefined || compareProgress(s, im, master) <= 0),
  );
  const dc = read(im.key).dc;
  const prefer = (s: Instance) => read(s.key).rule === 'prefer';
  return valid.find((s) => prefer(s) && read(s.key).dc === dc) ?? valid.find(prefer) ?? valid.find((s) => read(s.key).dc === dc) ?? valid[0];
}

/**
 * orchestrator when a server other than the primary dies. A leaf replica is only lost. For an
 * intermediate primary it runs RecoverDeadIntermediateMaster: its replicas move under a sibling
 * in its data center (plan A), else, after trying to regroup them among themselves, under a
 * sibling elsewhere (plan C), else up to its own source (plan D). No data-center fence applies.
 */
export function orchestratorReplicaLoss(ctx: FailureContext, primary: Instance | undefined, role: 'intermediate' | 'replica'): EnginePrediction {
  const { cluster, failed } = ctx;
  const read = readingsOf(ctx);
  const may = capabilitiesOf(ctx);
  const timing = orchestratorTiming(ctx);
  const legacy = cluster.semiSync.enforcement === 'off';
  const after = survivorsAsNow(ctx);
  const orphans = [...after.values()].filter((h) => h.source === failed.key);
  for (const h of orphans) h.replicating = false;
  const notes: string[] = [];
  const timeline: TimelineEvent[] = [{ at: 0, kind: 'failure', event: `${failed.key} fails` }];
  let replacement: string | undefined;
  let recoveredAt: number | undefined;
  if (role === 'intermediate') {
    const sibling = candidateSibling(ctx, read);
    const dc = read(failed.key).dc;
    if (orphans.length > 1 && (sibling === undefined || read(sibling.key).dc !== dc)) {
      notes.push(`orchestrator first tries to regroup the replicas of ${failed.key} among themselves (plan B); this model leaves that step out`);
    }
    replacement = sibling?.key ?? failed.source;
    if (replacement !== undefined) {
      for (const h of orphans) {
        if (!may(h.key).replication) continue;
        h.source = replacement;
        startReplication(h, read(h.key), legacy, may(h.key));
      }
      notes.push(`orchestrator moves the replicas of ${failed.key} under ${replacement}${sibling ? ' (a sibling)' : ' (its own source)'}; no DC fence applies to intermediate primaries`);
    }
    recoveredAt = timing.detectedAt + timing.hookSeconds('onFailureDetection') + timing.hookSeconds('preFailover') + 1;
    timeline.push({ at: timing.detectedAt, latest: timing.detectedBy, kind: 'detection', event: `orchestrator detects DeadIntermediateMaster (InstancePollSeconds ${timing.poll})` });
    timeline.push({
      at: recoveredAt,
      earliest: timing.hookSeconds('onFailureDetection') + timing.hookSeconds('preFailover'),
      latest: timing.detectedBy + timing.hookSeconds('onFailureDetection') + timing.hookSeconds('preFailover') + timing.recoveryWork,
      kind: 'recovery',
      event: `orchestrator relocates the replicas of ${failed.key}${replacement ? ` under ${replacement}` : ''}; anti-flapping block for ${cluster.antiFlapping.recoveryBlockSeconds}s`,
    });
  }
  const repair = primary ? lockedPrimaryRepair(ctx, primary.key, after, read, 0, timing.poll, recoveredAt) : undefined;
  const outcome = semiSyncOutcome(ctx, primary?.key, after, 0, repair);
  return {
    engine: 'orchestrator',
    promoted: undefined,
    ...(replacement !== undefined ? { replacement } : {}),
    ranking: [],
    excluded: [],
    notes,
    semiSync: outcome.semiSync,
    after: afterList(after),
    timeline: [...timeline, ...outcome.timeline].sort((a, b) => a.at - b.at),
    writeStallSeconds: outcome.stall,
  };
}
