// Running a release with a fake wrangler and a fake Analytics Engine: a healthy release reaches 100%
// for both workers; a gate failing at 50% rolls back that worker and any promoted before it, and stops.
import { describe, expect, it } from "vitest";
import { type AnalyticsClient, type CommandRunner, executePlan } from "./execute";
import type { SqlAnswer } from "./gate";
import { type PlanInput, planRelease } from "./plan";

const SHA = "3f4e5d6c7b8a99887766554433221100ffeeddcc";
const OLD = { api: "11111111-1111-4111-8111-111111111111", "menu-edge": "22222222-2222-4222-8222-222222222222" };
const NEW = { api: "33333333-3333-4333-8333-333333333333", "menu-edge": "44444444-4444-4444-8444-444444444444" };
const running: Exclude<PlanInput["running"], "unknown"> = {
	api: { versionId: OLD.api, gitSha: "aaaaaaa" },
	"menu-edge": { versionId: OLD["menu-edge"], gitSha: "aaaaaaa" },
};

const steps = planRelease({
	env: "staging",
	gitSha: SHA,
	subject: "x",
	skipTests: false,
	soakSeconds: 300,
	databases: ["goodfood-staging"],
	datasets: { api: "goodfood_requests_staging", "menu-edge": "goodfood_requests_staging" },
	running,
	changes: {
		api: { durableObjectMigrations: false, consumersOrTriggers: false },
		"menu-edge": { durableObjectMigrations: false, consumersOrTriggers: false },
	},
});

/** A wrangler that succeeds and reports the new version of each upload, as its ND-JSON output would. */
function fakeWrangler() {
	const ran: string[] = [];
	const run: CommandRunner = async (argv) => {
		ran.push(argv.join(" "));
		const config = argv[argv.indexOf("-c") + 1] ?? "";
		const worker = config.includes("menu-edge") ? "menu-edge" : "api";
		const entries =
			argv[1] === "versions" && argv[2] === "upload" ? [{ type: "version-upload", version_id: NEW[worker] }] : [];
		return { exitCode: 0, stdout: "", entries };
	};
	return { ran, run };
}

type Health = { requests: number; errors: number; p99_ms: number };
const healthy: Health = { requests: 2000, errors: 2, p99_ms: 80 };

/** Analytics Engine answering each gate's query from `health(worker, gate number)`, with the running version steady. */
function fakeAnalytics(health: (worker: "api" | "menu-edge", gate: number) => Health) {
	const asked = { api: 0, "menu-edge": 0 };
	const analytics: AnalyticsClient = {
		async query(sql): Promise<SqlAnswer> {
			const worker = sql.includes("blob1 = 'menu-edge'") ? "menu-edge" : "api";
			const answer = health(worker, asked[worker]++);
			return {
				data: [
					{ version: NEW[worker], ...answer, requests: String(answer.requests), errors: String(answer.errors) },
					{ version: OLD[worker], requests: "9000", errors: "9", p99_ms: 78 },
				],
			};
		},
	};
	return { analytics, asked };
}

const deps = (run: CommandRunner, analytics: AnalyticsClient, log: string[] = []) => {
	let clock = 0;
	return {
		run,
		analytics,
		sleep: async (seconds: number) => {
			clock += seconds * 1000;
		},
		now: () => clock,
		log: (line: string) => log.push(line),
	};
};

const deploysOf = (ran: string[]) => ran.filter((command) => command.startsWith("wrangler versions deploy"));

describe("running a release", () => {
	it("promotes both workers to 100% through every gate, then deploys the watch", async () => {
		const { ran, run } = fakeWrangler();
		const { analytics, asked } = fakeAnalytics(() => healthy);
		const outcome = await executePlan(steps, running, deps(run, analytics));
		expect(outcome).toEqual({ ok: true, newVersions: NEW });
		expect(asked).toEqual({ api: 3, "menu-edge": 3 });
		expect(deploysOf(ran).map((command) => command.split(" -y")[0])).toEqual([
			`wrangler versions deploy ${NEW.api}@10% ${OLD.api}@90%`,
			`wrangler versions deploy ${NEW.api}@50% ${OLD.api}@50%`,
			`wrangler versions deploy ${NEW.api}@100%`,
			`wrangler versions deploy ${NEW["menu-edge"]}@10% ${OLD["menu-edge"]}@90%`,
			`wrangler versions deploy ${NEW["menu-edge"]}@50% ${OLD["menu-edge"]}@50%`,
			`wrangler versions deploy ${NEW["menu-edge"]}@100%`,
		]);
		expect(ran[0]).toBe("npm test");
		expect(ran.at(-1)).toMatch(/^wrangler deploy --tag .* -c workers\/watch\/wrangler.staging.generated.json$/);
	});

	it("rolls back the edge and the api promoted before it when the edge's gate fails at 50%, and stops", async () => {
		const { ran, run } = fakeWrangler();
		const { analytics } = fakeAnalytics((worker, gate) =>
			worker === "menu-edge" && gate === 1 ? { requests: 1000, errors: 40, p99_ms: 85 } : healthy,
		);
		const log: string[] = [];
		const outcome = await executePlan(steps, running, deps(run, analytics, log));
		expect(outcome).toMatchObject({
			ok: false,
			failedStep: "gate menu-edge at 50%",
			reasons: ["error rate 4.00% (40/1000) is above 1.00% (running version: 0.10%)"],
		});
		expect(deploysOf(ran).slice(-2)).toEqual([
			`wrangler versions deploy ${OLD["menu-edge"]}@100% -y --message Rollback of ${SHA} --env staging -c workers/menu-edge/wrangler.staging.generated.json`,
			`wrangler versions deploy ${OLD.api}@100% -y --message Rollback of ${SHA} --env staging -c wrangler.staging.generated.json`,
		]);
		expect(ran.some((command) => command.includes("@100%") && command.includes(NEW["menu-edge"]))).toBe(false);
		expect(ran.some((command) => command.includes("workers/watch/wrangler.staging.generated.json"))).toBe(false);
		expect(log).toContain("FAILED gate menu-edge at 50%:");
	});

	it("rolls back only the api when its own gate fails at 50%", async () => {
		const { ran, run } = fakeWrangler();
		const { analytics } = fakeAnalytics((worker, gate) =>
			worker === "api" && gate === 1 ? { requests: 1000, errors: 0, p99_ms: 900 } : healthy,
		);
		const outcome = await executePlan(steps, running, deps(run, analytics));
		expect(outcome).toMatchObject({ ok: false, failedStep: "gate api at 50%" });
		expect(outcome.ok === false && outcome.rollback).toEqual([
			{
				command: `wrangler versions deploy ${OLD.api}@100% -y --message "Rollback of ${SHA}" --env staging -c wrangler.staging.generated.json`,
				ok: true,
			},
		]);
		expect(ran.some((command) => command.includes(NEW["menu-edge"]) && command.includes("versions deploy"))).toBe(
			false,
		);
	});

	it("waits one more soak period when the new version has too little traffic, then passes with a warning", async () => {
		const { run } = fakeWrangler();
		const { analytics, asked } = fakeAnalytics((worker, gate) =>
			worker === "api" && gate <= 1 ? { requests: 10, errors: 0, p99_ms: 50 } : healthy,
		);
		const log: string[] = [];
		const dependencies = deps(run, analytics, log);
		const outcome = await executePlan(steps, running, dependencies);
		expect(outcome.ok).toBe(true);
		expect(asked.api).toBe(4); // the 10% gate asked twice
		expect(log.join("\n")).toMatch(
			/WARNING: 10 request\(s\) on the new version, fewer than 50 even after an extra soak/,
		);
	});

	it("stops before any code when a command fails, with nothing to roll back", async () => {
		const ran: string[] = [];
		const run: CommandRunner = async (argv) => {
			ran.push(argv.join(" "));
			return { exitCode: argv.includes("migrations:check") ? 1 : 0, stdout: "", entries: [] };
		};
		const { analytics } = fakeAnalytics(() => healthy);
		const outcome = await executePlan(steps, running, deps(run, analytics));
		expect(outcome).toMatchObject({ ok: false, failedStep: "migrations check", rollback: [] });
		expect(ran.some((command) => command.startsWith("wrangler d1") || command.includes("versions"))).toBe(false);
	});
});

describe("a release with a Durable Object migration", () => {
	const doSteps = planRelease({
		env: "production",
		gitSha: SHA,
		subject: "x",
		skipTests: true,
		soakSeconds: 60,
		databases: ["goodfood-production"],
		datasets: { api: "goodfood_requests_production", "menu-edge": "goodfood_requests_production" },
		running,
		changes: {
			api: { durableObjectMigrations: true, consumersOrTriggers: false },
			"menu-edge": { durableObjectMigrations: false, consumersOrTriggers: false },
		},
	});

	it("deploys the api at once and, when its gate fails, tries the code rollback and says the class migration stays", async () => {
		const ran: string[] = [];
		const run: CommandRunner = async (argv) => {
			ran.push(argv.join(" "));
			const deploysApi = argv[1] === "deploy" && argv.includes("wrangler.production.generated.json");
			const uploadsEdge = argv[1] === "versions" && argv[2] === "upload";
			return {
				// Cloudflare refuses a rollback across a Durable Object migration.
				exitCode: argv[1] === "rollback" ? 1 : 0,
				stdout: "",
				entries: deploysApi
					? [{ type: "deploy", version_id: NEW.api }]
					: uploadsEdge
						? [{ type: "version-upload", version_id: NEW["menu-edge"] }]
						: [],
			};
		};
		const { analytics } = fakeAnalytics(() => ({ requests: 3000, errors: 300, p99_ms: 120 }));
		const log: string[] = [];
		const outcome = await executePlan(doSteps, running, deps(run, analytics, log));
		expect(outcome).toMatchObject({
			ok: false,
			failedStep: "gate api at 100%",
			rollback: [{ command: expect.stringMatching(/^wrangler rollback 1111.* -y /), ok: false }],
		});
		expect(
			ran.some((command) => command.startsWith("wrangler versions upload") && command.includes("-c wrangler.")),
		).toBe(false);
		expect(log.join("\n")).toMatch(/class migration itself is not rolled back.*fix forward/);
	});
});
