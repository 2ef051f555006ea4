import type { RecoveryCapabilities } from '../../topology/model.js';
import type { FailureContext } from '../context.js';
import type { HostAfter } from '../model.js';
import type { Reading } from './reads.js';

const ALL: RecoveryCapabilities = { replication: true, readOnly: true, semiSyncSource: true, semiSyncReplica: true };
const NONE: RecoveryCapabilities = { replication: false, readOnly: false, semiSyncSource: false, semiSyncReplica: false };

/**
 * What orchestrator's topology user may change on each server, where the topology says
 * (`--orchestrator-credentials`); everything where it does not. A user that cannot log in
 * changes nothing.
 */
export function capabilitiesOf(ctx: FailureContext): (key: string) => RecoveryCapabilities {
  return (key) => {
    const user = ctx.byKey.get(key)?.orchestratorUser;
    if (!user) return ALL;
    return user.error !== undefined ? NONE : (user.may ?? ALL);
  };
}

/**
 * What orchestrator's StartReplication does to a replica it (re)starts while regrouping or
 * relocating: MaybeDisableSemiSyncMaster (source side off where the priority is > 0), then
 * MaybeEnableSemiSyncReplica, then START SLAVE. With both enforcement flags off ("legacy") a
 * replica with priority > 0 gets its replica side set to "not must_not". With either flag on,
 * orchestrator decides from the new source's replica list, which the replica joins only once it
 * has started, so it takes no action (go/inst/instance_topology_dao.go, MaybeEnableSemiSyncReplica:
 * "no action taken; this may lead to future recoveries"). Each statement happens only where the
 * user may run it; the others fail.
 */
export function startReplication(h: HostAfter, r: Reading, legacy: boolean, may: RecoveryCapabilities): void {
  if (r.priority > 0 && h.semiSyncSource && may.semiSyncSource) h.semiSyncSource = false;
  if (legacy && r.priority > 0 && may.semiSyncReplica) h.semiSyncReplica = r.rule !== 'must_not';
  if (may.replication) h.replicating = true;
}

/**
 * The promotion (ApplyMySQLPromotionAfterMasterFailover): RESET SLAVE ALL, then SetReadOnly(false),
 * which first turns the semi-sync source side on when the server's priority is > 0, and gives up
 * (leaving the server read-only) when that fails.
 */
export function promote(h: HostAfter, r: Reading, may: RecoveryCapabilities): void {
  if (may.replication) {
    delete h.source;
    h.replicating = false;
  }
  if (r.priority > 0) {
    if (!may.semiSyncSource) return;
    h.semiSyncSource = true;
  }
  if (may.readOnly) h.readOnly = false;
}
