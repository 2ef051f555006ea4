import { terminalText } from '../util/terminal-text.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Untrusted text (a host name, a policy value, a file name, a finding's message) as HTML text or
 * an attribute value: markup characters become entities, and controls, bidi overrides and
 * invisible characters become visible escapes as on a terminal, so that text reads as it is.
 */
export function esc(text: string): string {
  return terminalText(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Cuts `text` to `max` characters with an ellipsis (SVG text does not wrap); the full text goes in a title. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A fragment id for a name: stable across runs, unique within the page. */
export function anchors(prefix: string): (name: string) => string {
  const used = new Map<string, number>();
  return (name) => {
    const base = `${prefix}${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return n === 0 ? base : `${base}~${n}`;
  };
}
