/**
 * A mistake in how the tool was called, input it cannot read or output it cannot write: exit 2
 * with a plain message (one line per problem when there are several).
 */
export class UsageError extends Error {
  readonly lines: readonly string[];
  constructor(message: string | readonly string[]) {
    const lines = typeof message === 'string' ? [message] : message;
    super(lines.join('\n'));
    this.lines = lines;
  }
}
