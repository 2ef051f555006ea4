import { verdicts } from '../../compile/exclusions.js';
import type { PromotionLevel } from '../../policy/model.js';
import type { FailureContext } from '../context.js';

/** What orchestrator knows of a server through the generated Detect*Query settings and promotion filters. */
export interface Reading {
  rule: PromotionLevel;
  priority: number;
  dc: string | undefined;
  /** Matched by PromotionIgnoreHostnameFilters (the policy bars it). */
  filtered: boolean;
  /** IsBannedFromBeingCandidateReplica: filtered or read as must_not. */
  banned: boolean;
}

const RULES: ReadonlySet<string> = new Set(['prefer', 'neutral', 'prefer_not', 'must_not']);

/**
 * orchestrator's reading of each server. Where the topology says what orchestrator read (its
 * API) or would read (discovery ran the Detect queries), that wins; a server whose Detect
 * queries fail (no meta table yet) keeps orchestrator's previous values, which for a server it
 * has just met are neutral, priority 0 and no data center. Otherwise the server reads its row of
 * the generated meta table; a server the policy does not name has no row and reads must_not.
 */
export function readingsOf(ctx: FailureContext): (key: string) => Reading {
  const byHost = new Map(verdicts(ctx.cluster).map((v) => [v.host.key, v]));
  const cache = new Map<string, Reading>();
  return (key) => {
    const known = cache.get(key);
    if (known) return known;
    const v = byHost.get(key);
    const live = ctx.byKey.get(key);
    const fresh = live?.metaError !== undefined;
    const compiled: PromotionLevel = v ? (v.reasons.length > 0 ? 'must_not' : v.host.promotion) : 'must_not';
    const liveRule = live?.promotionRule !== undefined && RULES.has(live.promotionRule) ? (live.promotionRule as PromotionLevel) : undefined;
    const rule = liveRule ?? (fresh ? 'neutral' : compiled);
    const filtered = v !== undefined && v.reasons.length > 0;
    const reading: Reading = {
      rule,
      priority: live?.semiSyncPriority ?? (fresh ? 0 : (v?.host.semiSyncPriority ?? 0)),
      dc: live?.dataCenter ?? (fresh ? undefined : v?.host.dc),
      filtered,
      banned: filtered || rule === 'must_not',
    };
    cache.set(key, reading);
    return reading;
  };
}
