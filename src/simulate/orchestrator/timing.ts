import type { HookName } from '../../policy/model.js';
import type { FailureContext } from '../context.js';
import { POLL_SECONDS } from '../semisync.js';

/**
 * When orchestrator acts, in seconds after a server dies. Every second (HealthPollSeconds) it
 * re-reads the servers whose last check is more than InstancePollSeconds old, compared at
 * one-second resolution: each server is read at most InstancePollSeconds + 2 s apart. A dead
 * primary is analysed as DeadMaster once a read of it has failed and its replicas have been read as
 * no longer replicating; the recovery loop looks every second (RecoveryPollSeconds). A server that
 * does not refuse the connection takes MySQLConnectTimeoutSeconds to fail. Hooks run in line, one
 * after the other.
 */
export interface OrchestratorTiming {
  poll: number;
  detectedAt: number;
  /** The latest detection: one read period, the recovery loop's second, and a connect timeout. */
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
    detectedAt: poll + 1,
    detectedBy: poll + 2 + 1 + CONNECT_TIMEOUT_SECONDS,
    hookSeconds: (name) => (ctx.cluster.hooks[name].length > 0 ? (seconds[name] ?? 0) : 0),
    recoveryWork: RECOVERY_WORK_SECONDS,
  };
}
