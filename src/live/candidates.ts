import type { LiveContext, Report } from '../rules/rule.js';
import type { HostPolicy } from '../policy/model.js';
import type { Instance } from '../topology/model.js';

/**
 * Runs `test` on every promotable host that is live and readable; each message it returns
 * becomes a report on that host's entry in the policy.
 */
export function eachLiveCandidate(
  ctx: LiveContext,
  test: (host: HostPolicy, instance: Instance) => { message: string; hint?: string } | undefined,
): Report[] {
  const out: Report[] = [];
  for (const { host, instance } of ctx.view.candidates) {
    if (!instance?.reachable) continue;
    const problem = test(host, instance);
    if (problem) out.push({ file: ctx.cluster.file, path: ['hosts', host.written], target: 'key', ...problem });
  }
  return out;
}
