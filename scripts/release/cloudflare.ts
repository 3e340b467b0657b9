/** The real command runner and Analytics Engine client the release CLI injects into the executor. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AnalyticsClient, CommandRunner } from "./execute";
import type { SqlAnswer } from "./gate";

/**
 * Runs a command with wrangler's machine-readable output on: WRANGLER_OUTPUT_FILE_PATH makes wrangler
 * append one JSON line per result (`version-upload` and `deploy` carry `version_id`). The output goes to
 * the terminal unless it is captured (for the `--json` answers of `deployments status`/`versions view`).
 */
export const runCommand: CommandRunner = (argv, options = {}) => {
	const directory = mkdtempSync(join(tmpdir(), "goodfood-wrangler-output-"));
	const outputFile = join(directory, "output.ndjson");
	return new Promise((resolve, reject) => {
		const child = spawn(argv[0], argv.slice(1), {
			stdio: options.capture ? ["ignore", "pipe", "pipe"] : "inherit",
			// CI=true: wrangler never prompts (every command here passes -y where it would).
			env: { ...process.env, CI: process.env.CI ?? "true", WRANGLER_OUTPUT_FILE_PATH: outputFile },
		});
		let stdout = "";
		let stderr = "";
		child.stdout?.on("data", (chunk) => {
			stdout += chunk;
		});
		child.stderr?.on("data", (chunk) => {
			stderr += chunk;
		});
		child.on("error", reject);
		child.on("close", (code) => {
			const entries = existsSync(outputFile)
				? readFileSync(outputFile, "utf8")
						.split("\n")
						.filter((line) => line.trim() !== "")
						.map((line) => JSON.parse(line) as Record<string, unknown>)
				: [];
			rmSync(directory, { recursive: true, force: true });
			resolve({ exitCode: code ?? 1, stdout, stderr, entries });
		});
	});
};

/** The Workers Analytics Engine SQL API: the query text is the body, the answer JSON (`FORMAT JSON`). */
export function analyticsEngine(accountId: string, apiToken: string): AnalyticsClient {
	return {
		async query(sql) {
			const response = await fetch(`https://api.cloudflare.com/client/v4/accounts/${accountId}/analytics_engine/sql`, {
				method: "POST",
				headers: { Authorization: `Bearer ${apiToken}` },
				body: sql,
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`Analytics Engine SQL API answered ${response.status}: ${text.slice(0, 300)}`);
			return JSON.parse(text) as SqlAnswer;
		},
	};
}
