import type { Severity } from '../findings.js';
import type { JsonPath, Target } from '../policy/locate.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import type { SourceFile } from '../policy/source.js';
import type { ClusterView } from '../live/view.js';
import type { Topology } from '../topology/model.js';

/** Base of the rule documentation links (SARIF helpUri, `succession rules`). */
export const DOCS_BASE_URL = 'https://github.com/succession-dev/succession/blob/main/docs/rules/';

export function docsUrl(id: string): string {
  return `${DOCS_BASE_URL}${id}.md`;
}

/** Everything the static rules see: the schema-valid documents of one policy repository. */
export interface Repo {
  clusters: ClusterPolicy[];
  fleet?: FleetPolicy;
  /** Every schema-valid fleet file; more than one is itself a finding. */
  fleetFiles: SourceFile[];
}

/** A rule's result: a path, never a position (`report/locate` turns paths into line:column). */
export interface Report {
  file: SourceFile;
  path: JsonPath;
  target?: Target;
  message: string;
  hint?: string;
  related?: { file: SourceFile; path: JsonPath; message: string }[];
  /** For rules whose severity depends on the case (e.g. an unreachable candidate vs. replica). */
  severity?: Severity;
}

interface RuleMeta {
  id: string;
  severity: Severity;
  description: string;
}

export interface ClusterRule extends RuleMeta {
  scope: 'cluster';
  check(cluster: ClusterPolicy, repo: Repo): Report[];
}

export interface RepoRule extends RuleMeta {
  scope: 'repo';
  check(repo: Repo): Report[];
}

/** What a live rule sees: one cluster policy and the live topology laid under it. */
export interface LiveContext {
  cluster: ClusterPolicy;
  repo: Repo;
  topology: Topology;
  view: ClusterView;
}

/** A rule that compares a policy with the live topology (`succession check`). */
export interface LiveRule extends RuleMeta {
  scope: 'live';
  check(ctx: LiveContext): Report[];
}

/** Findings that the engine itself raises (syntax, schema, suppressions); documented like rules. */
export interface EngineRule extends RuleMeta {
  scope: 'engine';
  /** The command raising it when that is not `lint` on policy files; it is tested through that command. */
  command?: 'build' | 'lint --orchestrator-config';
}

export type Rule = ClusterRule | RepoRule | LiveRule | EngineRule;

/** Identity helper that keeps each rule file's literal checked against the Rule type. */
export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}
