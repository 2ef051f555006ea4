import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';

export default defineRule({
  id: 'live-candidate-no-gtid',
  severity: 'error',
  description: 'A candidate does not replicate with GTIDs; failover engines cannot repoint the other replicas to it safely.',
  scope: 'live',
  check(ctx) {
    return eachLiveCandidate(ctx, (host, i) => {
      if (i.gtid?.flavor === 'mysql' && i.gtid.mode !== undefined && i.gtid.mode !== 'ON') {
        return { message: `${host.key} is a candidate but has gtid_mode=${i.gtid.mode}.`, hint: 'Enable GTIDs (gtid_mode=ON, enforce_gtid_consistency=ON).' };
      }
      if (i.replication && /^no$/i.test(i.replication.usingGtid)) {
        return {
          message: `${host.key} is a candidate but replicates by binlog file and position (Using_Gtid: No).`,
          hint: 'CHANGE MASTER TO MASTER_USE_GTID=slave_pos (MariaDB) or SOURCE_AUTO_POSITION=1 (MySQL).',
        };
      }
      return undefined;
    });
  },
});
