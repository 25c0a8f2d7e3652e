// JSON-lines logs: one access line per request, one error line per failure. What they never
// hold, whatever the request: bodies, tokens, secrets, query strings (page URLs, ids), client
// addresses or user names, so no line can tie a person to a suggestion (docs/DEPLOY.md).

export type LogEntry = Record<string, unknown> & { level: 'info' | 'error'; msg: string };
export type LogSink = (entry: LogEntry) => void;

/** Access lines to stdout, error lines to stderr, each one JSON object a line. */
export const stdioLog: LogSink = (entry) => {
  const line = `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`;
  if (entry.level === 'error') process.stderr.write(line);
  else process.stdout.write(line);
};

/** Errors only (the default in-process: tests and the demo need no access lines). */
export const errorsOnlyLog: LogSink = (entry) => {
  if (entry.level === 'error') stdioLog(entry);
};

/**
 * A database or runtime error, described without the values it may quote: PostgreSQL puts
 * input in quotes and in `Key (...)=(...)` details, and input is what must not be logged.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error };
  const redact = (text: string) =>
    text
      .replace(/"[^"]*"/g, '"…"')
      .replace(/=\([^)]*\)/g, '=(…)')
      .slice(0, 300);
  const code = (error as { code?: unknown }).code;
  return {
    error: error.name,
    message: redact(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    // Frames say where, not what: file names and lines only.
    stack: error.stack
      ?.split('\n')
      .slice(1, 6)
      .map((frame) => frame.trim()),
  };
}
