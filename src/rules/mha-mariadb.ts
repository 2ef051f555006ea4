import { defineRule } from './rule.js';

export default defineRule({
  id: 'mha-mariadb',
  severity: 'warning',
  description: 'MHA is enabled for a cluster whose servers run MariaDB: MHA 0.58 does not start on MariaDB, and could fail over only by binary log position over SSH.',
  scope: 'cluster',
  check(cluster) {
    if (!cluster.mha?.enabled || cluster.flavor !== 'mariadb') return [];
    const at = cluster.anchor([['mha', 'enabled']], ['mha']);
    const flavor = cluster.origin(['flavor']);
    return [
      {
        file: at.file,
        path: at.path,
        message:
          "MHA 0.58 cannot fail over this MariaDB cluster: masterha_manager exits at start-up on MariaDB's version string (\"Redundant argument in sprintf at MHA/NodeUtil.pm line 195\", with Perl 5.22 or later), and MHA reads no MariaDB GTIDs (\"GTID failover mode = 0\"), so it needs SSH to every server and the MHA node tools there, which stop on MariaDB (\"Unknown system variable 'super_read_only'\").",
        hint: 'Let orchestrator or ClusterControl fail this cluster over, or disable MHA. Keep MHA only with its version parsing and node tools patched for MariaDB and SSH to every server, and say so in a suppression.',
        related: [{ file: flavor.file, path: flavor.path, message: 'flavor: mariadb' }],
      },
    ];
  },
});
