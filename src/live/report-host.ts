import type { HostPolicy } from '../policy/model.js';
import type { Instance } from '../topology/model.js';

/**
 * Whether the server reports a report_host (empty included) that names another host than its
 * policy key. orchestrator then does not read the server under that key at all, so what its
 * Detect queries answer says nothing about the meta table: live-report-host-mismatch reports it.
 * Letter case is left out, as the meta table compares names case-insensitively.
 */
export function reportedUnderAnotherName(host: HostPolicy, instance: Instance | undefined): boolean {
  return instance?.reportHost !== undefined && instance.reportHost.toLowerCase() !== host.name.toLowerCase();
}
