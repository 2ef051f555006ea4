/** Severity of a finding, most severe first. */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A position in a source file; lines and columns are 1-based, the end column exclusive. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A place another finding refers to, e.g. the other file of a duplicate. */
export interface RelatedLocation extends Span {
  file: string;
  message: string;
}

/** One diagnostic, positioned and ready for a formatter. */
export interface Finding extends Span {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  hint?: string;
  related?: RelatedLocation[];
}

/** Sort key order: file, line, column, rule id, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `severity` is at least as severe as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold];
}
