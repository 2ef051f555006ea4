/**
 * Prediction against reality, point by point: the successor, where every server ends up, which
 * are writable, the semi-sync flags and acknowledgers, how long the first write waits, and
 * whether detection and recovery fell inside the predicted timeline's bounds.
 */
import type { EnginePrediction, HostAfter } from '../../src/simulate/model.js';
import type { Observed } from './observe.js';

/** How far a measured write wait may be from the predicted one (the poll of the INSERT and scheduling). */
const WAIT_TOLERANCE_SECONDS = 2;
/** A write that commits within this counts as not stalled. */
const NO_STALL_SECONDS = 1;

function same<T>(what: string, predicted: T, observed: T, out: string[]): void {
  const p = JSON.stringify(predicted);
  const o = JSON.stringify(observed);
  if (p !== o) out.push(`${what}: predicted ${p ?? 'none'}, observed ${o ?? 'none'}`);
}

/** The differences between `p` and `o`, each as one line; empty when they agree. */
export function disagreements(p: EnginePrediction, o: Observed, bound: 'recovery' | 'retry' = 'recovery'): string[] {
  const out: string[] = [];
  same('successor', p.promoted ?? p.replacement, o.successor, out);
  const after = new Map(p.after.map((h) => [h.key, h]));
  for (const h of o.hosts) {
    const q = after.get(h.key);
    if (!q) {
      out.push(`${h.key}: not in the prediction`);
      continue;
    }
    for (const field of ['source', 'replicating', 'readOnly', 'semiSyncSource', 'semiSyncReplica'] as const satisfies readonly (keyof HostAfter)[]) {
      same(`${h.key} ${field}`, q[field], h[field], out);
    }
  }
  same('semi-sync acknowledgers', [...p.semiSync.ackers].sort(), o.ackers, out);
  const wait = o.insertSeconds;
  const predictedWait = p.semiSync.blockedSeconds;
  if (wait !== undefined) {
    if (predictedWait === 0 && wait > NO_STALL_SECONDS) out.push(`first write: predicted no wait, observed ${wait.toFixed(1)}s`);
    else if (predictedWait === null && Number.isFinite(wait)) out.push(`first write: predicted to block until someone intervenes, observed ${wait.toFixed(1)}s`);
    else if (predictedWait !== null && predictedWait > 0 && Math.abs(wait - predictedWait) > WAIT_TOLERANCE_SECONDS) {
      out.push(`first write: predicted to wait ${predictedWait}s, observed ${Number.isFinite(wait) ? `${wait.toFixed(1)}s` : 'no commit'}`);
    }
  }
  const find = (kind: string) => p.timeline.find((t) => t.kind === kind);
  const detection = find('detection');
  if (o.detectedAfter !== undefined && detection?.latest !== undefined && (o.detectedNotBefore ?? o.detectedAfter) > detection.latest) {
    out.push(`detection after ${(o.detectedNotBefore ?? o.detectedAfter).toFixed(1)}s, predicted by ${detection.latest}s`);
  }
  const end = find(bound);
  if (o.recoveredAfter !== undefined && end?.latest !== undefined && o.recoveredAfter > end.latest) {
    out.push(`recovery ended after ${o.recoveredAfter.toFixed(1)}s, predicted by ${end.latest}s (${bound})`);
  }
  if (o.recoveredAfter !== undefined && end?.earliest !== undefined && o.recoveredAfter < end.earliest) {
    out.push(`recovery ended after ${o.recoveredAfter.toFixed(1)}s, predicted no sooner than ${end.earliest}s (${bound})`);
  }
  if (end && o.recoveredAfter === undefined) out.push('predicted a recovery; orchestrator ran none');
  return out;
}
