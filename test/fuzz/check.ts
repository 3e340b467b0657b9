/**
 * What every answer must satisfy, whatever was asked: no 5xx; a status the
 * document lists for the operation; every 4xx in the one error envelope, with
 * a code of the closed set that belongs to that status; and a body matching
 * the schema the route declares for that status.
 */
import { ERROR_CODES, type ErrorCode } from "@goodfood/platform/error-codes";
import { ErrorSchema } from "@goodfood/platform/openapi";
import type { z } from "zod";
import type { FuzzOperation, FuzzRequest } from "./operations";

export type FindingKind = "5xx" | "undocumented status" | "not the error envelope" | "off its schema";

export interface Finding {
	kind: FindingKind;
	operation: string;
	status: number;
	/** What was wrong, e.g. the zod issues or the envelope's code. */
	detail: string;
	/** The request that got this answer, shortened. */
	example: string;
}

export interface Answer {
	status: number;
	contentType: string;
	/** The body as text; empty for event streams, which are not read to their (endless) end. */
	text: string;
}

/** Reads an answer without hanging on an event stream or leaving a WebSocket open. */
export async function readAnswer(response: Response): Promise<Answer> {
	const contentType = response.headers.get("content-type") ?? "";
	const webSocket = (response as Response & { webSocket?: WebSocket | null }).webSocket;
	if (webSocket) {
		webSocket.accept();
		webSocket.close(1000, "fuzz");
	}
	if (contentType.startsWith("text/event-stream")) {
		await response.body?.cancel();
		return { status: response.status, contentType, text: "" };
	}
	return { status: response.status, contentType, text: await response.text() };
}

const EXAMPLE_LENGTH = 300;

export function describeRequest(request: FuzzRequest): string {
	const body = request.body === undefined ? "" : ` ${request.body}`;
	const headers = Object.entries(request.headers)
		.filter(([name]) => name !== "authorization")
		.map(([name, value]) => `${name}: ${value}`)
		.join("; ");
	const text = `${request.method} ${request.url} as ${request.principal}${headers ? ` [${headers}]` : ""}${body}`;
	return text.length > EXAMPLE_LENGTH ? `${text.slice(0, EXAMPLE_LENGTH)}… (${text.length} chars)` : text;
}

function issuesText(error: z.ZodError): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
		.join("; ");
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

/** Every property the answer breaks; empty when it is a good answer. */
export function checkAnswer(operation: FuzzOperation, request: FuzzRequest, answer: Answer): Finding[] {
	const findings: Finding[] = [];
	const found = (kind: FindingKind, detail: string) =>
		findings.push({
			kind,
			operation: operation.name,
			status: answer.status,
			detail,
			example: describeRequest(request),
		});
	const status = String(answer.status);

	if (answer.status >= 500) found("5xx", answer.text.slice(0, 200));
	if (!operation.documentedStatuses.has(status)) {
		found("undocumented status", `documented: ${[...operation.documentedStatuses].join(", ")}`);
	}

	const json = answer.contentType.startsWith("application/json") ? parseJson(answer.text) : undefined;
	if (answer.status >= 400) {
		const envelope = json?.ok ? ErrorSchema.safeParse(json.value) : undefined;
		if (!envelope?.success) {
			found("not the error envelope", envelope ? issuesText(envelope.error) : `${answer.contentType}: ${answer.text}`);
		} else {
			const code = envelope.data.error.code as ErrorCode;
			if (ERROR_CODES[code] !== answer.status)
				found("not the error envelope", `code ${code} belongs to ${ERROR_CODES[code]}`);
		}
	}

	const declared = operation.responses[status];
	if (declared) {
		const media = Object.keys(declared);
		const expected = media.find((type) => answer.contentType.startsWith(type));
		if (media.length === 0) {
			if (answer.text !== "") found("off its schema", `expected no body, got ${answer.text.slice(0, 100)}`);
		} else if (!expected) {
			found("off its schema", `content type ${answer.contentType || "(none)"}, documented ${media.join(", ")}`);
		} else if (expected === "application/json") {
			const schema = declared[expected] as z.ZodType | undefined;
			if (!json?.ok) found("off its schema", "body is not JSON");
			else if (schema) {
				const parsed = schema.safeParse(json.value);
				if (!parsed.success) found("off its schema", issuesText(parsed.error));
			}
		}
	}
	return findings;
}

/** Findings summed up as they come, by kind and by kind, operation and status with the first example. */
export class FindingTally {
	readonly groups = new Map<string, { count: number; first: Finding }>();
	readonly byKind = new Map<FindingKind, number>();

	add(findings: Iterable<Finding>): void {
		for (const finding of findings) {
			this.byKind.set(finding.kind, (this.byKind.get(finding.kind) ?? 0) + 1);
			const key = `${finding.kind}: ${finding.operation} → ${finding.status}`;
			const group = this.groups.get(key);
			if (group) group.count++;
			else this.groups.set(key, { count: 1, first: finding });
		}
	}

	count(kind?: FindingKind): number {
		if (kind) return this.byKind.get(kind) ?? 0;
		return [...this.byKind.values()].reduce((sum, n) => sum + n, 0);
	}
}
