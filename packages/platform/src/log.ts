/**
 * Structured logs: one JSON object per line, `level` and `message` first, then
 * the fields that tie a line to its journey (`traceId`, `spanId`, `requestId`)
 * and whatever the caller adds. Workers observability indexes these fields.
 */
import { type TraceContext, traceFields } from "./trace";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
	debug(message: string, fields?: LogFields): void;
	info(message: string, fields?: LogFields): void;
	warn(message: string, fields?: LogFields): void;
	error(message: string, fields?: LogFields): void;
	/** A logger that adds `fields` to every line, e.g. the span of one message in a batch. */
	with(fields: LogFields): Logger;
}

/** Writes one line; errors and warnings go to their own console methods so the platform keeps their level. */
export function writeLog(level: LogLevel, message: string, fields?: LogFields): void {
	emit(level, JSON.stringify({ level, message, ...fields }));
}

function emit(level: LogLevel, line: string): void {
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else if (level === "debug") console.debug(line);
	else console.log(line);
}

/**
 * A logger whose every line carries `context`: at least the trace and span,
 * and the request id where there is a request. Each line is one object built
 * once (not the context copied, then copied again behind `level` and `message`).
 */
export function logger(context: LogFields): Logger {
	const line = (level: LogLevel) => (message: string, fields?: LogFields) =>
		emit(level, JSON.stringify({ level, message, ...context, ...fields }));
	return {
		debug: line("debug"),
		info: line("info"),
		warn: line("warn"),
		error: line("error"),
		with: (fields) => logger({ ...context, ...fields }),
	};
}

/** A logger for work within a span, with the request that caused it when known. */
export function spanLogger(trace: TraceContext, requestId?: string): Logger {
	return logger({ ...traceFields(trace), ...(requestId ? { requestId } : {}) });
}

/** An error's message with its causes, for a log line. */
export function errorText(error: unknown): string {
	const parts: string[] = [];
	for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
	return parts.length > 0 ? parts.join(": ") : String(error);
}
