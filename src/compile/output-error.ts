/** The output directory or a file to write cannot be used: exit 2, nothing written. */
export class OutputError extends Error {}
