import type { Rule } from './rule.js';
import buildDrift from './build-drift.js';
import candidateOutsideHomeDc from './candidate-outside-home-dc.js';
import candidateWithExcludedRole from './candidate-with-excluded-role.js';
import cnfDuplicateManagedKey from './cnf-duplicate-managed-key.js';
import deploymentSettingConflict from './deployment-setting-conflict.js';
import duplicateClusterName from './duplicate-cluster-name.js';
import duplicateCmonClusterId from './duplicate-cmon-cluster-id.js';
import duplicateHost from './duplicate-host.js';
import hookPasswordLiteral from './hook-password-literal.js';
import hostInWhitelistAndBlacklist from './host-in-whitelist-and-blacklist.js';
import invalidHostKey from './invalid-host-key.js';
import liveCandidateDelayed from './live-candidate-delayed.js';
import liveCandidateErrantGtid from './live-candidate-errant-gtid.js';
import liveCandidateLagging from './live-candidate-lagging.js';
import liveCandidateNewerVersion from './live-candidate-newer-version.js';
import liveCandidateNoBinlog from './live-candidate-no-binlog.js';
import liveCandidateNoGtid from './live-candidate-no-gtid.js';
import liveCandidateNotDirectReplica from './live-candidate-not-direct-replica.js';
import liveCandidateReplicationBroken from './live-candidate-replication-broken.js';
import liveDatacenterMismatch from './live-datacenter-mismatch.js';
import liveHostMissing from './live-host-missing.js';
import liveHostUndeclared from './live-host-undeclared.js';
import liveHostUnreachable from './live-host-unreachable.js';
import liveMariadbSemiSyncEnforcement from './live-mariadb-semi-sync-enforcement.js';
import liveMetaTableMismatch from './live-meta-table-mismatch.js';
import liveMultipleWritable from './live-multiple-writable.js';
import liveOrchestratorUserPrivileges from './live-orchestrator-user-privileges.js';
import livePrimaryMismatch from './live-primary-mismatch.js';
import liveReplicaReplicationBroken from './live-replica-replication-broken.js';
import liveReplicaSourceUnreachable from './live-replica-source-unreachable.js';
import liveReplicationCycle from './live-replication-cycle.js';
import liveReportHostMismatch from './live-report-host-mismatch.js';
import liveSemiSyncMismatch from './live-semi-sync-mismatch.js';
import liveSemiSyncRenamedVariables from './live-semi-sync-renamed-variables.js';
import liveSemiSyncTimeoutTooLow from './live-semi-sync-timeout-too-low.js';
import liveWritableReplica from './live-writable-replica.js';
import mariadbSemiSyncEnforcement from './mariadb-semi-sync-enforcement.js';
import mhaMariadb from './mha-mariadb.js';
import multipleFleetFiles from './multiple-fleet-files.js';
import noPromotableCandidate from './no-promotable-candidate.js';
import orchestratorDeadKey from './orchestrator-dead-key.js';
import orchestratorHttpAdvertiseInvalid from './orchestrator-http-advertise-invalid.js';
import orchestratorInvalidRegexp from './orchestrator-invalid-regexp.js';
import orchestratorKeyCase from './orchestrator-key-case.js';
import orchestratorKeyNotInRelease from './orchestrator-key-not-in-release.js';
import orchestratorLagMinutesWithoutQuery from './orchestrator-lag-minutes-without-query.js';
import orchestratorLegacySemiSyncEnforced from './orchestrator-legacy-semi-sync-enforced.js';
import orchestratorLegacySynonym from './orchestrator-legacy-synonym.js';
import orchestratorNoMasterRecovery from './orchestrator-no-master-recovery.js';
import orchestratorPasswordLiteral from './orchestrator-password-literal.js';
import orchestratorPatternWithoutCaptureGroup from './orchestrator-pattern-without-capture-group.js';
import orchestratorPromotionSqlThreadConflict from './orchestrator-promotion-sql-thread-conflict.js';
import orchestratorRaftIncomplete from './orchestrator-raft-incomplete.js';
import orchestratorRecoveryBlockMinutesIgnored from './orchestrator-recovery-block-minutes-ignored.js';
import orchestratorSqliteWithoutFile from './orchestrator-sqlite-without-file.js';
import orchestratorSynonymConflict from './orchestrator-synonym-conflict.js';
import orchestratorTypeMismatch from './orchestrator-type-mismatch.js';
import orchestratorUnknownKey from './orchestrator-unknown-key.js';
import preferredCandidateWithoutSemiSync from './preferred-candidate-without-semi-sync.js';
import raftNodeCount from './raft-node-count.js';
import recoveryBlockExceedsLockedMaster from './recovery-block-exceeds-locked-master.js';
import schema from './schema.js';
import semiSyncLocksAfterFailover from './semi-sync-locks-after-failover.js';
import semiSyncWaitCountUnreachable from './semi-sync-wait-count-unreachable.js';
import singlePromotableCandidate from './single-promotable-candidate.js';
import sourceCycle from './source-cycle.js';
import suppressionWithoutReason from './suppression-without-reason.js';
import syntax from './syntax.js';
import targetCannotExpress from './target-cannot-express.js';
import undeclaredHost from './undeclared-host.js';
import unknownDeployment from './unknown-deployment.js';
import unknownHookPlaceholder from './unknown-hook-placeholder.js';
import unsafeEngineValue from './unsafe-engine-value.js';
import unusedSuppression from './unused-suppression.js';

/** Every rule, sorted by id. A test checks that each has its file, docs page and tests. */
export const RULES: readonly Rule[] = [
  buildDrift,
  candidateOutsideHomeDc,
  candidateWithExcludedRole,
  cnfDuplicateManagedKey,
  deploymentSettingConflict,
  duplicateClusterName,
  duplicateCmonClusterId,
  duplicateHost,
  hookPasswordLiteral,
  hostInWhitelistAndBlacklist,
  invalidHostKey,
  liveCandidateDelayed,
  liveCandidateErrantGtid,
  liveCandidateLagging,
  liveCandidateNewerVersion,
  liveCandidateNoBinlog,
  liveCandidateNoGtid,
  liveCandidateNotDirectReplica,
  liveCandidateReplicationBroken,
  liveDatacenterMismatch,
  liveHostMissing,
  liveHostUndeclared,
  liveHostUnreachable,
  liveMariadbSemiSyncEnforcement,
  liveMetaTableMismatch,
  liveMultipleWritable,
  liveOrchestratorUserPrivileges,
  livePrimaryMismatch,
  liveReplicaReplicationBroken,
  liveReplicaSourceUnreachable,
  liveReplicationCycle,
  liveReportHostMismatch,
  liveSemiSyncMismatch,
  liveSemiSyncRenamedVariables,
  liveSemiSyncTimeoutTooLow,
  liveWritableReplica,
  mariadbSemiSyncEnforcement,
  mhaMariadb,
  multipleFleetFiles,
  noPromotableCandidate,
  orchestratorDeadKey,
  orchestratorHttpAdvertiseInvalid,
  orchestratorInvalidRegexp,
  orchestratorKeyCase,
  orchestratorKeyNotInRelease,
  orchestratorLagMinutesWithoutQuery,
  orchestratorLegacySemiSyncEnforced,
  orchestratorLegacySynonym,
  orchestratorNoMasterRecovery,
  orchestratorPasswordLiteral,
  orchestratorPatternWithoutCaptureGroup,
  orchestratorPromotionSqlThreadConflict,
  orchestratorRaftIncomplete,
  orchestratorRecoveryBlockMinutesIgnored,
  orchestratorSqliteWithoutFile,
  orchestratorSynonymConflict,
  orchestratorTypeMismatch,
  orchestratorUnknownKey,
  preferredCandidateWithoutSemiSync,
  raftNodeCount,
  recoveryBlockExceedsLockedMaster,
  schema,
  semiSyncLocksAfterFailover,
  semiSyncWaitCountUnreachable,
  singlePromotableCandidate,
  sourceCycle,
  suppressionWithoutReason,
  syntax,
  targetCannotExpress,
  undeclaredHost,
  unknownDeployment,
  unknownHookPlaceholder,
  unsafeEngineValue,
  unusedSuppression,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
