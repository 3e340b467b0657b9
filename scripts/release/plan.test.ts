// The release plan: what the dry run prints for each environment, in order, without touching anything;
// and the paths the plan takes for a Durable Object migration, a first release and a changed queue consumer.
import { describe, expect, it } from "vitest";
import { main } from "./cli";
import { type CommandStep, type PlanInput, planRelease, renderArgs, type Step } from "./plan";

const SHA = "3f4e5d6c7b8a99887766554433221100ffeeddcc";
const SHORT = SHA.slice(0, 12);

async function dryRun(env: "staging" | "production") {
	const printed: string[] = [];
	const exitCode = await main(["--env", env, "--dry-run"], {
		print: (line) => printed.push(...line.split("\n")),
		environment: {}, // no Cloudflare credentials: a dry run needs none
		git: () => ({ sha: SHA, subject: "Menu: allergens on every item", dirty: true }),
		run: () => {
			throw new Error("a dry run must not run anything");
		},
	});
	const steps = printed
		.map((line) => /^\s*\d+\. ([^:]+): (.*)$/.exec(line))
		.filter((match) => match !== null)
		.map(([, name, detail]) => ({ name, detail }));
	return { exitCode, printed, steps };
}

describe("the dry run", () => {
	for (const env of ["staging", "production"] as const) {
		it(`prints every step of a ${env} release in order, with its command, and runs none`, async () => {
			const { exitCode, steps, printed } = await dryRun(env);
			expect(exitCode).toBe(0);
			const rollout = (worker: string) =>
				[10, 50, 100].flatMap((percent) => [`${worker} to ${percent}%`, `gate ${worker} at ${percent}%`]);
			expect(steps.map((step) => step.name)).toEqual([
				"test",
				"build api",
				"build menu-edge",
				"build watch",
				"infra apply",
				"infra resolve",
				"migrations check",
				`migrate goodfood-${env}`,
				`migrate goodfood-orders-eu-${env}`,
				`migrate goodfood-orders-us-${env}`,
				`migrate goodfood-orders-apac-${env}`,
				"upload api",
				"upload menu-edge",
				...rollout("api"),
				...rollout("menu-edge"),
				"deploy watch",
			]);
			const detail = (name: string) => steps.find((step) => step.name === name)?.detail;
			const api = `--env ${env} -c wrangler.${env}.generated.json`;
			const edge = `--env ${env} -c workers/menu-edge/wrangler.${env}.generated.json`;
			expect(detail("test")).toBe("npm test");
			expect(detail("build watch")).toBe(
				`wrangler deploy --dry-run --env ${env} -c workers/watch/wrangler.toml --outdir .build/release/${env}/watch`,
			);
			expect(detail("infra apply")).toBe(`npm run infra -- apply --env ${env}`);
			expect(detail("infra resolve")).toBe(`npm run infra -- resolve --env ${env}`);
			expect(detail("migrations check")).toBe("npm run migrations:check -- --running <running api git sha>");
			expect(detail(`migrate goodfood-orders-eu-${env}`)).toBe(
				`wrangler d1 migrations apply goodfood-orders-eu-${env} --remote ${api}`,
			);
			expect(detail("upload menu-edge")).toBe(
				`wrangler versions upload --tag ${SHA} --message "${SHORT} Menu: allergens on every item" ${edge}`,
			);
			expect(detail("api to 10%")).toBe(
				`wrangler versions deploy <new api version>@10% <running api version>@90% -y --message "${SHORT} Menu: allergens on every item" ${api}`,
			);
			expect(detail("menu-edge to 100%")).toMatch(/^wrangler versions deploy <new menu-edge version>@100% -y /);
			expect(detail("gate menu-edge at 50%")).toMatch(
				new RegExp(
					`^goodfood_requests_${env}; soak 300 s, then: error rate <= max\\(1.00%, 2 x running version's\\); p99 <= 100 ms`,
				),
			);
			expect(detail("gate api at 10%")).toMatch(/p99 <= 500 ms/);
			// A failing edge gate rolls back the edge, then the api promoted before it.
			const edgeGate = printed.indexOf(printed.find((line) => line.includes(". gate menu-edge at 50%")) ?? "");
			expect(printed[edgeGate + 1].trim()).toBe(
				`on failure: wrangler versions deploy <running menu-edge version>@100% -y --message "Rollback of ${SHA}" ${edge} && ` +
					`wrangler versions deploy <running api version>@100% -y --message "Rollback of ${SHA}" ${api}`,
			);
			expect(detail("deploy watch")).toBe(
				`wrangler deploy --tag ${SHA} --message "${SHORT} Menu: allergens on every item" --env ${env} -c workers/watch/wrangler.${env}.generated.json`,
			);
		});
	}

	it("refuses a real run without Cloudflare credentials, saying how to dry-run instead", async () => {
		const printed: string[] = [];
		const exitCode = await main(["--env", "production"], {
			print: (line) => printed.push(line),
			environment: { CLOUDFLARE_ACCOUNT_ID: "acc" },
			git: () => ({ sha: SHA, subject: "x", dirty: false }),
			run: () => {
				throw new Error("nothing may run without credentials");
			},
		});
		expect(exitCode).toBe(2);
		expect(printed.join("\n")).toMatch(
			/CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID must be set.*npm run release -- --env production --dry-run/,
		);
	});

	it("refuses an unknown environment", async () => {
		const printed: string[] = [];
		const exitCode = await main(["--env", "prod", "--dry-run"], {
			print: (line) => printed.push(line),
			environment: {},
			git: () => ({ sha: SHA, subject: "x", dirty: false }),
			run: () => {
				throw new Error("unused");
			},
		});
		expect(exitCode).toBe(2);
		expect(printed[0]).toMatch(/--env must be staging or production, not "prod"/);
	});
});

const API_OLD = "11111111-1111-4111-8111-111111111111";
const EDGE_OLD = "22222222-2222-4222-8222-222222222222";
const noChange = { durableObjectMigrations: false, consumersOrTriggers: false };

function plan(overrides: Partial<PlanInput>): Step[] {
	return planRelease({
		env: "production",
		gitSha: SHA,
		subject: "x",
		skipTests: true,
		soakSeconds: 300,
		databases: ["goodfood-production", "goodfood-orders-eu-production"],
		datasets: { api: "goodfood_requests_production", "menu-edge": "goodfood_requests_production" },
		running: {
			api: { versionId: API_OLD, gitSha: "aaaaaaa" },
			"menu-edge": { versionId: EDGE_OLD, gitSha: "aaaaaaa" },
		},
		changes: { api: noChange, "menu-edge": noChange },
		...overrides,
	});
}

const show = (argv: CommandStep["argv"]) => renderArgs(argv, () => undefined);
const named = (steps: Step[]) => steps.map((step) => step.name);

describe("the plan", () => {
	it("deploys the api at once, after the migrations, when its Durable Object migrations changed", () => {
		const steps = plan({ changes: { api: { ...noChange, durableObjectMigrations: true }, "menu-edge": noChange } });
		expect(named(steps)).toEqual([
			"build api",
			"build menu-edge",
			"build watch",
			"infra apply",
			"infra resolve",
			"migrations check",
			"migrate goodfood-production",
			"migrate goodfood-orders-eu-production",
			"upload menu-edge",
			"deploy api (Durable Object migration)",
			"gate api at 100%",
			"menu-edge to 10%",
			"gate menu-edge at 10%",
			"menu-edge to 50%",
			"gate menu-edge at 50%",
			"menu-edge to 100%",
			"gate menu-edge at 100%",
			"deploy watch",
		]);
		const deploy = steps[9] as CommandStep;
		expect(show(deploy.argv)).toBe(
			`wrangler deploy --tag ${SHA} --message "${SHORT} x" --env production -c wrangler.production.generated.json`,
		);
		const gate = steps[10];
		expect(gate.kind === "gate" && gate.onFail.map(show)).toEqual([
			`wrangler rollback <running api version> -y --message "Rollback of ${SHA}" --env production -c wrangler.production.generated.json`,
		]);
		expect(gate.kind === "gate" && gate.failureNote).toMatch(/the class migration itself is not rolled back/);
	});

	it("deploys every worker directly, without gates, on a first release, and checks migrations against nothing", () => {
		const steps = plan({ running: { api: null, "menu-edge": null }, skipTests: false });
		expect(named(steps)).toEqual([
			"test",
			"build api",
			"build menu-edge",
			"build watch",
			"infra apply",
			"infra resolve",
			"migrations check",
			"migrate goodfood-production",
			"migrate goodfood-orders-eu-production",
			"deploy api (first release)",
			"deploy menu-edge (first release)",
			"deploy watch",
		]);
		expect(show((steps[6] as CommandStep).argv)).toBe("npm run migrations:check");
		expect(show((steps[10] as CommandStep).argv)).toBe(
			`wrangler deploy --tag ${SHA} --message "${SHORT} x" --env production -c workers/menu-edge/wrangler.production.generated.json`,
		);
	});

	it("applies changed queue consumers or crons with triggers deploy once the api is at 100%", () => {
		const steps = plan({ changes: { api: { ...noChange, consumersOrTriggers: true }, "menu-edge": noChange } });
		const names = named(steps);
		expect(names.indexOf("triggers api")).toBe(names.indexOf("gate api at 100%") + 1);
		expect(show((steps[names.indexOf("triggers api")] as CommandStep).argv)).toBe(
			"wrangler triggers deploy --env production -c wrangler.production.generated.json",
		);
		expect(names).not.toContain("triggers menu-edge");
	});
});
