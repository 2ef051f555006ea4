import type { Rule } from './rule.js';
import candidateOutsideHomeDc from './candidate-outside-home-dc.js';
import candidateWithExcludedRole from './candidate-with-excluded-role.js';
import deploymentSettingConflict from './deployment-setting-conflict.js';
import duplicateClusterName from './duplicate-cluster-name.js';
import duplicateCmonClusterId from './duplicate-cmon-cluster-id.js';
import hostInWhitelistAndBlacklist from './host-in-whitelist-and-blacklist.js';
import multipleFleetFiles from './multiple-fleet-files.js';
import noPromotableCandidate from './no-promotable-candidate.js';
import preferredCandidateWithoutSemiSync from './preferred-candidate-without-semi-sync.js';
import raftNodeCount from './raft-node-count.js';
import recoveryBlockExceedsLockedMaster from './recovery-block-exceeds-locked-master.js';
import schema from './schema.js';
import semiSyncLocksAfterFailover from './semi-sync-locks-after-failover.js';
import semiSyncWaitCountUnreachable from './semi-sync-wait-count-unreachable.js';
import singlePromotableCandidate from './single-promotable-candidate.js';
import suppressionWithoutReason from './suppression-without-reason.js';
import syntax from './syntax.js';
import undeclaredHost from './undeclared-host.js';
import unknownDeployment from './unknown-deployment.js';
import unknownHookPlaceholder from './unknown-hook-placeholder.js';
import unusedSuppression from './unused-suppression.js';

/** Every rule, sorted by id. A test checks that each has its file, docs page and tests. */
export const RULES: readonly Rule[] = [
  candidateOutsideHomeDc,
  candidateWithExcludedRole,
  deploymentSettingConflict,
  duplicateClusterName,
  duplicateCmonClusterId,
  hostInWhitelistAndBlacklist,
  multipleFleetFiles,
  noPromotableCandidate,
  preferredCandidateWithoutSemiSync,
  raftNodeCount,
  recoveryBlockExceedsLockedMaster,
  schema,
  semiSyncLocksAfterFailover,
  semiSyncWaitCountUnreachable,
  singlePromotableCandidate,
  suppressionWithoutReason,
  syntax,
  undeclaredHost,
  unknownDeployment,
  unknownHookPlaceholder,
  unusedSuppression,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
