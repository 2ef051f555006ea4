import { terminalText } from '../util/terminal-text.js';

/** What a piece of simulate's text is, for colour: the same palette as the findings output. */
export type Style = 'fail' | 'ok' | 'warn' | 'error' | 'warning' | 'info' | 'heading' | 'dim';

const SGR: Record<Style, string> = { fail: '31', ok: '32', warn: '33', error: '31', warning: '33', info: '34', heading: '1', dim: '2' };

export interface Styled {
  style: Style;
  text: string;
}

/** A line is plain text and styled pieces; every piece is untrusted until `renderLines` escapes it. */
export type Line = string | readonly (string | Styled)[];

export function styled(style: Style, text: string): Styled {
  return { style, text };
}

/**
 * Lines as text: every piece passes through terminalText (a cluster, host or data-center name
 * can hold a newline or an escape sequence), and only then is the colour put around it, so that
 * the only control sequences in the output are the colours succession writes itself.
 */
export function renderLines(lines: readonly Line[], color: boolean): string {
  const piece = (p: string | Styled) => (typeof p === 'string' ? terminalText(p) : color ? `\u001b[${SGR[p.style]}m${terminalText(p.text)}\u001b[0m` : terminalText(p.text));
  return `${lines.map((l) => (typeof l === 'string' ? terminalText(l) : l.map(piece).join(''))).join('\n')}\n`;
}
