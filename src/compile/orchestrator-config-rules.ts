/** The rules of `succession lint --orchestrator-config`, each documented in docs/rules/<id>.md. */
import orchestratorDeadKey from '../rules/orchestrator-dead-key.js';
import orchestratorHttpAdvertiseInvalid from '../rules/orchestrator-http-advertise-invalid.js';
import orchestratorInvalidRegexp from '../rules/orchestrator-invalid-regexp.js';
import orchestratorKeyCase from '../rules/orchestrator-key-case.js';
import orchestratorKeyNotInRelease from '../rules/orchestrator-key-not-in-release.js';
import orchestratorLagMinutesWithoutQuery from '../rules/orchestrator-lag-minutes-without-query.js';
import orchestratorLegacySemiSyncEnforced from '../rules/orchestrator-legacy-semi-sync-enforced.js';
import orchestratorLegacySynonym from '../rules/orchestrator-legacy-synonym.js';
import orchestratorNoMasterRecovery from '../rules/orchestrator-no-master-recovery.js';
import orchestratorPasswordLiteral from '../rules/orchestrator-password-literal.js';
import orchestratorPatternWithoutCaptureGroup from '../rules/orchestrator-pattern-without-capture-group.js';
import orchestratorPromotionSqlThreadConflict from '../rules/orchestrator-promotion-sql-thread-conflict.js';
import orchestratorRaftIncomplete from '../rules/orchestrator-raft-incomplete.js';
import orchestratorRecoveryBlockMinutesIgnored from '../rules/orchestrator-recovery-block-minutes-ignored.js';
import orchestratorSqliteWithoutFile from '../rules/orchestrator-sqlite-without-file.js';
import orchestratorSynonymConflict from '../rules/orchestrator-synonym-conflict.js';
import orchestratorTypeMismatch from '../rules/orchestrator-type-mismatch.js';
import orchestratorUnknownKey from '../rules/orchestrator-unknown-key.js';

export const ORCHESTRATOR_CONFIG_RULES = [
  orchestratorUnknownKey,
  orchestratorKeyNotInRelease,
  orchestratorKeyCase,
  orchestratorLegacySemiSyncEnforced,
  orchestratorTypeMismatch,
  orchestratorSynonymConflict,
  orchestratorPromotionSqlThreadConflict,
  orchestratorLagMinutesWithoutQuery,
  orchestratorSqliteWithoutFile,
  orchestratorRaftIncomplete,
  orchestratorHttpAdvertiseInvalid,
  orchestratorRecoveryBlockMinutesIgnored,
  orchestratorLegacySynonym,
  orchestratorPatternWithoutCaptureGroup,
  orchestratorInvalidRegexp,
  orchestratorNoMasterRecovery,
  orchestratorPasswordLiteral,
  orchestratorDeadKey,
] as const;
