/** A mistake in how the tool was called, or input it cannot read: exit 2 with a plain message. */
export class UsageError extends Error {}
