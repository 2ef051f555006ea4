import type { Severity } from '../findings.js';
import type { JsonPath, Target } from '../policy/locate.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import type { SourceFile } from '../policy/source.js';

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

/** Findings that the engine itself raises (syntax, schema, suppressions); documented like rules. */
export interface EngineRule extends RuleMeta {
  scope: 'engine';
}

export type Rule = ClusterRule | RepoRule | EngineRule;

/** Identity helper that keeps each rule file's literal checked against the Rule type. */
export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}
