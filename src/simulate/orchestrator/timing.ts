import type { HookName } from '../../policy/model.js';
import type { FailureContext } from '../context.js';
import { POLL_SECONDS } from '../semisync.js';

/**
 * When orchestrator acts, in seconds after a server dies. It reads each server every
 * InstancePollSeconds; a dead primary is analysed as DeadMaster once its own read has failed and
 * its replicas have been read as no longer replicating, and the recovery loop looks every second
 * (RecoveryPollSeconds). Hooks run in line, one after the other.
 */
export interface OrchestratorTiming {
  poll: number;
  detectedAt: number;
  /** The latest detection: two polls (the primary's, then its replicas'), the recovery loop's second, and a connect timeout. */
  detectedBy: number;
  /** Seconds the hooks of an event are expected to run (the policy's `hooks.seconds`). */
  hookSeconds(name: HookName): number;
  /** How long the regroup and promotion themselves take at most, after the hooks. */
  recoveryWork: number;
}

/** orchestrator's MySQLConnectTimeoutSeconds default: how long a read of a server that does not answer can take. */
const CONNECT_TIMEOUT_SECONDS = 2;
/** The regroup, the promotion and the writes to orchestrator's backend: measured 0.3–1.5 s on loopback. */
const RECOVERY_WORK_SECONDS = 3;

export function orchestratorTiming(ctx: FailureContext): OrchestratorTiming {
  const poll = ctx.deployment?.instancePollSeconds ?? POLL_SECONDS;
  const seconds = ctx.cluster.hookSeconds;
  return {
    poll,
    detectedAt: poll,
    detectedBy: 2 * poll + 1 + CONNECT_TIMEOUT_SECONDS,
    hookSeconds: (name) => (ctx.cluster.hooks[name].length > 0 ? (seconds[name] ?? 0) : 0),
    recoveryWork: RECOVERY_WORK_SECONDS,
  };
}
