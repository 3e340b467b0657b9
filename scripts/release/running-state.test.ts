// What the release reads before it plans: the running version from wrangler's --json answers, and the
// config changes that cannot roll out gradually (Durable Object migrations, queue consumers, crons).
import { describe, expect, it } from "vitest";
import type { CommandRunner } from "./execute";
import { type ConfigFacts, compareConfigs, readConfigFacts, readRunningWorker } from "./running-state";

const VERSION = "6c1a5c0e-6f3b-4d43-9a8e-1f2b3c4d5e6f";

/** wrangler answering `deployments status --json` and `versions view --json` as recorded. */
const wrangler =
	(status: { exitCode: number; stdout?: string; stderr?: string }, view?: object): CommandRunner =>
	async (argv) => {
		if (argv[1] === "deployments") return { stdout: "", entries: [], ...status };
		return { exitCode: 0, stdout: JSON.stringify(view), entries: [] };
	};

const deployment = (versions: { version_id: string; percentage: number }[]) => ({
	exitCode: 0,
	stdout: JSON.stringify({ id: "d1", source: "wrangler", strategy: "percentage", versions }),
});

describe("reading the running version", () => {
	it("takes the version at 100% and the git sha from its tag", async () => {
		const run = wrangler(deployment([{ version_id: VERSION, percentage: 100 }]), {
			id: VERSION,
			annotations: { "workers/tag": "9c9dd30a549b", "workers/message": "9c9dd30a549b Menu" },
		});
		expect(await readRunningWorker(run, "api", "staging")).toEqual({ versionId: VERSION, gitSha: "9c9dd30a549b" });
	});

	it("answers null for a worker never deployed: a first release", async () => {
		const run = wrangler({
			exitCode: 1,
			stderr:
				"✘ [ERROR] A request to the Cloudflare API failed.\n  This Worker does not exist on your account. [code: 10007]",
		});
		expect(await readRunningWorker(run, "menu-edge", "production")).toBeNull();
	});

	it("refuses a deployment split between two versions, saying how to settle it", async () => {
		const run = wrangler(
			deployment([
				{ version_id: VERSION, percentage: 50 },
				{ version_id: "0b9e2f41-2d4c-4a6b-8c1d-9e8f7a6b5c4d", percentage: 50 },
			]),
		);
		await expect(readRunningWorker(run, "api", "production")).rejects.toThrow(/split between versions.*left half-way/);
	});

	it("refuses a version without a git sha tag unless --running-sha says which commit it is", async () => {
		const run = wrangler(deployment([{ version_id: VERSION, percentage: 100 }]), { id: VERSION, annotations: {} });
		await expect(readRunningWorker(run, "api", "staging")).rejects.toThrow(/no git sha tag.*--running-sha/);
		expect(await readRunningWorker(run, "api", "staging", "abc1234")).toEqual({
			versionId: VERSION,
			gitSha: "abc1234",
		});
	});

	it("fails loudly on any other wrangler error rather than calling it a first release", async () => {
		const run = wrangler({ exitCode: 1, stderr: "Authentication error [code: 10000]" });
		await expect(readRunningWorker(run, "api", "staging")).rejects.toThrow(/Authentication error/);
	});
});

describe("comparing the running config with HEAD's", () => {
	const head: ConfigFacts = readConfigFacts("wrangler.toml", "production");

	it("reads the production api's migration tags, consumers, crons, databases and dataset", () => {
		expect(head.migrationTags.slice(0, 4)).toEqual(["v1", "v2", "v3", "v4"]);
		expect(head.consumers.length).toBeGreaterThan(0);
		expect(head.databases[0]).toBe("goodfood-production");
		expect(head.databases).toContain("goodfood-orders-eu-production");
		expect(head.requestDataset).toBe("goodfood_requests_production");
	});

	it("sees a new Durable Object migration tag", () => {
		const before = { ...head, migrationTags: head.migrationTags.slice(0, -1) };
		expect(compareConfigs(before, head)).toEqual({ durableObjectMigrations: true, consumersOrTriggers: false });
	});

	it("sees a changed queue consumer setting or cron, and nothing when all is the same", () => {
		const consumers = head.consumers.map((consumer, index) =>
			index === 0 ? { ...(consumer as object), max_batch_size: 10 } : consumer,
		);
		expect(compareConfigs({ ...head, consumers }, head).consumersOrTriggers).toBe(true);
		expect(compareConfigs({ ...head, crons: ["0 3 * * *"] }, head).consumersOrTriggers).toBe(true);
		expect(compareConfigs(head, head)).toEqual({ durableObjectMigrations: false, consumersOrTriggers: false });
	});
});
