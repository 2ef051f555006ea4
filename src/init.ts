import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installedSchemaPath, SCHEMA_FILES, type SchemaName } from './schemas.js';

/** A file of a new policy repository: its path relative to the repository root, and its text. */
export interface ScaffoldFile {
  path: string;
  text: string;
}

/** Where the generated engine configs go; the workflow's drift gate checks this directory. */
export const GENERATED_DIR = 'generated';

/** Where a modeline's schema is: its text, and whether it is inside the repository's node_modules. */
export interface SchemaReference {
  ref: string;
  local: boolean;
}

/**
 * The `$schema` a scaffolded file's modeline names. When succession is installed in the
 * repository (`node_modules/succession`), a path relative to the file into it: it holds on every
 * clone after `npm ci`, and follows upgrades. Otherwise the absolute path of this installation's
 * schema, which only holds on this machine (a file URL when the path has white space, which ends a
 * modeline). Undefined when this installation has no such schema.
 */
export function schemaReference(root: string, file: string, name: SchemaName): SchemaReference | undefined {
  const local = join(root, 'node_modules', 'succession', 'schemas', SCHEMA_FILES[name]);
  if (existsSync(local)) return { ref: relative(dirname(join(root, file)), local).split(sep).join('/'), local: true };
  const installed = installedSchemaPath(name);
  if (installed === undefined) return undefined;
  return { ref: /\s/.test(installed) ? pathToFileURL(installed).href : installed, local: false };
}

const CONFIG = `# succession's settings for this repository: which files to lint and build, the fleet file,
# the report format, and rule settings.
kind: config
paths: [policies/]
fleet: policies/fleet.yaml
format: stylish
rules: {}
`;

const FLEET = `# Fleet-wide defaults and the failover engine deployments. Every cluster file inherits the
# defaults and overrides them key by key. Replace the example names with yours.
kind: fleet
defaultPort: 3306

defaults:
  flavor: mysql
  candidates:
    maxLagSeconds: 10          # a candidate further behind is not promoted
  cmon:
    autoRecovery: { cluster: true, node: true }

orchestrator:
  deployments:
    main:
      raft:
        nodes: [orc-01, orc-02, orc-03]
      topologyCredentialsFile: /etc/orchestrator/topology.cnf

cmon:
  configDir: /etc/cmon.d
  vendor: oracle

mha:
  sshUser: mha
  user: mha
  replicationUser: repl
  masterBinlogDir: [/var/lib/mysql]
`;

const CLUSTER = `# The failover policy of one replication cluster (one file per cluster). Replace the example
# hosts with yours; \`succession check --topology mysql://HOST:PORT\` compares it with the servers.
kind: cluster
name: example                  # orchestrator cluster alias; cmon cluster_name
primary: db-01:3306
cmon: { clusterId: 1 }
orchestrator: { deployment: main }
mha: { enabled: true }
datacenters:
  home: dc1                    # failover stays in dc1; dc2 is disaster recovery
  preventCrossDatacenter: true
hosts:
  db-01:3306: { dc: dc1, semiSyncPriority: 100 }
  db-02:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }
  db-03:3306: { dc: dc1, semiSyncPriority: 50 }
  db-04:3306: { dc: dc2, role: backup, promotion: must_not }
semiSync:
  waitForReplicaCount: 1
  enforcement: exact
  lockedMasterSeconds: 60      # a primary stalled on semi-sync this long counts as locked
antiFlapping:
  recoveryBlockSeconds: 30     # below lockedMasterSeconds, so a locked new primary can be repaired
`;

/** The first line of the pull-request comment the workflow keeps up to date (it finds it by this). */
export const COMMENT_MARKER = '<!-- succession diff -->';

const WORKFLOW = `# Lints the failover policies (findings in the repository's code scanning alerts) and fails
# when the generated engine configs in ${GENERATED_DIR}/ are stale: run
# \`npx succession build --out ${GENERATED_DIR}\` and commit the result. On a pull request it also
# says what the change does (succession diff) in a comment and in the run's summary, and uploads
# the visual report (succession report) as an artifact.
# Expects succession in package.json's devDependencies.
name: succession
on:
  push:
  pull_request:
permissions:
  contents: read
jobs:
  policies:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write     # upload-sarif
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - name: Lint
        id: lint
        run: npx --no-install succession lint --format sarif --output-file succession.sarif
      - name: Upload the findings to code scanning
        if: success() || steps.lint.outcome == 'failure'
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: succession.sarif
          category: succession
      - name: Generated configs are up to date
        if: success() || steps.lint.outcome == 'failure'
        run: npx --no-install succession build --out ${GENERATED_DIR} --check

  review:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write       # the comment
    env:
      BASE: origin/\${{ github.base_ref }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0         # diff and report read the base revision with git
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - name: What the change does
        run: |
          npx --no-install succession diff "$BASE" HEAD --format markdown > succession-diff.md
          cat succession-diff.md >> "$GITHUB_STEP_SUMMARY"
      - name: Visual report
        run: npx --no-install succession report --base "$BASE" --out succession-report
      - uses: actions/upload-artifact@v4
        with:
          name: succession-report
          path: succession-report/
      - name: Comment on the pull request
        # A pull request from a fork gets a read-only token: the summary and the artifact still hold the review.
        if: github.event.pull_request.head.repo.full_name == github.repository
        env:
          GH_TOKEN: \${{ github.token }}
          PR: \${{ github.event.pull_request.number }}
        run: |
          { echo '${COMMENT_MARKER}'; cat succession-diff.md; } > comment.md
          # A comment holds at most 65,536 characters; a change to a fleet default can say more.
          if [ "$(wc -c < comment.md)" -gt 60000 ]; then
            { echo '${COMMENT_MARKER}'; head -n 3 succession-diff.md
              echo "The whole review is too long for a comment: see the run's summary and the succession-report artifact."; } > comment.md
          fi
          id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR/comments" --paginate \\
            --jq '.[] | select(.body | startswith("${COMMENT_MARKER}")) | .id' | tail -n 1)
          if [ -n "$id" ]; then
            gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@comment.md > /dev/null
          else
            gh pr comment "$PR" --body-file comment.md
          fi
`;

const DOCUMENTS: readonly { path: string; schema?: SchemaName; text: string }[] = [
  { path: 'succession.config.yaml', schema: 'config', text: CONFIG },
  { path: 'policies/fleet.yaml', schema: 'fleet', text: FLEET },
  { path: 'policies/clusters/example.yaml', schema: 'policy', text: CLUSTER },
  { path: '.github/workflows/succession.yml', text: WORKFLOW },
];

/**
 * The files of a new policy repository at `root`: the config file, a fleet file, one cluster
 * policy and a GitHub Actions workflow. Each YAML document succession reads starts with a
 * yaml-language-server modeline naming its schema (see schemaReference), so that editors complete
 * and check it.
 */
export function scaffold(root: string): { files: ScaffoldFile[]; local: boolean } {
  let local = true;
  const files = DOCUMENTS.map(({ path, schema, text }) => {
    const reference = schema === undefined ? undefined : schemaReference(root, path, schema);
    if (reference === undefined) return { path, text };
    local &&= reference.local;
    return { path, text: `# yaml-language-server: $schema=${reference.ref}\n${text}` };
  });
  return { files, local };
}
