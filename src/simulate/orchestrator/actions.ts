import type { HostAfter } from '../model.js';
import type { Reading } from './reads.js';

/**
 * What orchestrator's StartReplication does to a replica it (re)starts while regrouping or
 * relocating: MaybeDisableSemiSyncMaster (source side off where the priority is > 0), then
 * MaybeEnableSemiSyncReplica, then START SLAVE. With both enforcement flags off ("legacy") a
 * replica with priority > 0 gets its replica side set to "not must_not". With either flag on,
 * orchestrator decides from the new source's replica list, which the replica joins only once it
 * has started, so it takes no action (go/inst/instance_topology_dao.go, MaybeEnableSemiSyncReplica:
 * "no action taken; this may lead to future recoveries").
 */
export function startReplication(h: HostAfter, r: Reading, legacy: boolean): void {
  if (r.priority > 0 && h.semiSyncSource) h.semiSyncSource = false;
  if (legacy && r.priority > 0) h.semiSyncReplica = r.rule !== 'must_not';
  h.replicating = true;
}

/**
 * The promotion (ApplyMySQLPromotionAfterMasterFailover): RESET SLAVE ALL, then SetReadOnly(false),
 * which first turns the semi-sync source side on when the server's priority is > 0.
 */
export function promote(h: HostAfter, r: Reading): void {
  delete h.source;
  h.replicating = false;
  if (r.priority > 0) h.semiSyncSource = true;
  h.readOnly = false;
}
