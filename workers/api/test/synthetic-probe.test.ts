/**
 * The watch's synthetic probe against the real api: its front door here is
 * the api worker's own fetch (the edge relays /api/* to it unchanged, and
 * answers /api/menu/{slug} from the same menu). The order reaches ready, every
 * step is reported with its latency, and the probe's location, account and
 * order show in no list or figure staff see, while the probe can still read
 * its own location by slug. Running it twice provisions once.
 */
import { env, exports } from "cloudflare:workers";
import { spanLogger } from "@goodfood/platform/log";
import { continueTrace } from "@goodfood/platform/trace";
import { beforeAll, describe, expect, it } from "vitest";
import { STEPS } from "../../watch/src/probe/journey";
import { probeIds } from "../../watch/src/probe/provision";
import { type ProbeEnv, type ProbeRun, probeOnce } from "../../watch/src/probe/run";
import { database } from "../src/db/client";
import { intelligenceDb, listLocationCategories } from "../src/intelligence/repository";
import { learnPrepTimesNightly, loadPastOrders } from "../src/kitchen/prep-times-job";
import { bearer, call, json, PRINCIPALS, STAFF, send } from "./helpers";

const PROBE_LOCATION = "goodfood-probe";
const PROBE_EMAIL = "probe@goodfood.internal";
const log = spanLogger(continueTrace(undefined));

function recordingDataset(): AnalyticsEngineDataset & { points: AnalyticsEngineDataPoint[] } {
	const points: AnalyticsEngineDataPoint[] = [];
	return { points, writeDataPoint: (point) => void points.push(point ?? {}) };
}

/** The watch's env as the probe reads it, over the api test's databases, with the api itself as the front door. */
function probeEnv() {
	return {
		DB: env.DB,
		ORDER_METRICS: recordingDataset(),
		FRONT_DOOR: { fetch: (request: Request) => exports.default.fetch(request) },
		ENVIRONMENT: "test",
		PROBE_LOCATION,
		PROBE_EMAIL,
		PROBE_PASSWORD: "probe-test-password-42",
		REGIONS: env.REGIONS as Record<string, unknown>,
	} satisfies ProbeEnv;
}

interface AdminStats {
	orders: number;
	regions: { region: string; orders: number }[];
	topItems: { itemId: string }[];
}

async function adminStats(): Promise<AdminStats> {
	const response = await call("/api/v1/admin/stats", { headers: STAFF });
	expect(response.status).toBe(200);
	return json<AdminStats>(response);
}

async function count(db: D1Database, sql: string, value: string): Promise<number> {
	return (await db.prepare(sql).bind(value).first<{ n: number }>())?.n ?? 0;
}

let statsBefore: AdminStats;
const runs: { run: ProbeRun; points: AnalyticsEngineDataPoint[] }[] = [];

beforeAll(async () => {
	statsBefore = await adminStats();
	for (let time = 0; time < 2; time++) {
		const probe = probeEnv();
		runs.push({ run: await probeOnce(probe, new Date(), log), points: probe.ORDER_METRICS.points });
	}
});

describe("a synthetic probe run through the front door", () => {
	it("takes its order to ready and reports every step with its latency", async () => {
		const [{ run, points }] = runs;
		expect(run.outcome).toBe("ok");
		expect(run.steps.map((step) => step.step)).toEqual(["provision", ...STEPS]);

		const stepPoints = points.filter((point) => point.blobs?.[0] === "probe_step");
		expect(stepPoints.map((point) => point.blobs?.[1])).toEqual(["provision", ...STEPS]);
		for (const point of stepPoints) {
			expect(point.indexes).toEqual(["probe"]);
			expect(point.blobs?.[2]).toBe("ok");
			expect(point.blobs?.[3]).toBe("test");
			expect(point.doubles?.[0]).toBeGreaterThanOrEqual(0);
		}
		// The order id from checkout on: the steps before it have no order yet.
		const checkout = stepPoints.findIndex((point) => point.blobs?.[1] === "checkout");
		expect(stepPoints.slice(0, checkout).every((point) => point.blobs?.[4] === "")).toBe(true);
		expect(stepPoints.slice(checkout).every((point) => point.blobs?.[4] === run.orderId)).toBe(true);

		const runPoints = points.filter((point) => point.blobs?.[0] === "probe_run");
		expect(runPoints).toEqual([{ indexes: ["probe"], blobs: ["probe_run", "ok", "", "test"], doubles: [run.totalMs] }]);

		// The order went through the kitchen: its history is the probe's moves, through ready.
		const history = await env.ORDERS_EU.prepare(
			"SELECT status FROM order_status_history WHERE order_id = ? ORDER BY sequence",
		)
			.bind(run.orderId)
			.all<{ status: string }>();
		expect(history.results.map((row) => row.status)).toEqual([
			"placed",
			"confirmed",
			"preparing",
			"ready",
			"picked_up",
		]);
	});

	it("provisions once however often it runs", async () => {
		expect(runs[1].run.outcome).toBe("ok");
		expect(runs[1].run.orderId).not.toBe(runs[0].run.orderId);
		expect(await count(env.DB, "SELECT count(*) AS n FROM locations WHERE slug = ?", PROBE_LOCATION)).toBe(1);
		expect(await count(env.DB, "SELECT count(*) AS n FROM categories WHERE location_slug = ?", PROBE_LOCATION)).toBe(1);
		expect(await count(env.DB, "SELECT count(*) AS n FROM items WHERE location_slug = ?", PROBE_LOCATION)).toBe(1);
		expect(await count(env.DB, "SELECT count(*) AS n FROM accounts WHERE email = ?", PROBE_EMAIL)).toBe(1);
	});

	it("signs its kitchen out after each run, leaving no live session behind", async () => {
		const sessions = await env.DB.prepare(
			`SELECT count(*) AS signedIn, count(revoked_at) AS signedOut FROM refresh_tokens
			 WHERE account_id = (SELECT id FROM accounts WHERE email = ?)`,
		)
			.bind(PROBE_EMAIL)
			.first<{ signedIn: number; signedOut: number }>();
		expect(sessions).toEqual({ signedIn: runs.length, signedOut: runs.length });
	});
});

describe("the probe, invisible to staff and customers", () => {
	it("is in no storefront list of locations, REST or GraphQL, nor in a search of every menu", async () => {
		const rest = await json<{ locations: { slug: string }[] }>(await call("/api/v1/locations"));
		expect(rest.locations.length).toBeGreaterThan(0);
		expect(rest.locations.map((location) => location.slug)).not.toContain(PROBE_LOCATION);

		const nearest = await json<{ locations: { slug: string }[] }>(await call("/api/v1/locations?lat=0&lng=0"));
		expect(nearest.locations.map((location) => location.slug)).not.toContain(PROBE_LOCATION);

		const graph = await json<{ data: { locations: { slug: string }[] } }>(
			await send("POST", "/api/v1/graphql", { query: "{ locations { slug } }" }),
		);
		expect(graph.data.locations.length).toBe(rest.locations.length);
		expect(graph.data.locations.map((location) => location.slug)).not.toContain(PROBE_LOCATION);

		type Search = { results: { location: { slug: string } }[] };
		const everywhere = await json<Search>(await call("/api/v1/menu/search?q=test%20order"));
		expect(everywhere.results.map((hit) => hit.location.slug)).not.toContain(PROBE_LOCATION);
		// Asked by name, its own menu still answers: the probe reads it so.
		const atProbe = await json<Search>(await call(`/api/v1/menu/search?q=test%20order&location=${PROBE_LOCATION}`));
		expect(atProbe.results.map((hit) => hit.location.slug)).toEqual([PROBE_LOCATION]);
		expect((await call(`/api/v1/locations/${PROBE_LOCATION}/menu`)).status).toBe(200);
	});

	it("has no account in the staff list, though the account exists and signs in", async () => {
		const staff = await json<{ staff: { email: string }[] }>(await call("/api/v1/staff", { headers: STAFF }));
		expect(staff.staff.length).toBeGreaterThan(0);
		expect(staff.staff.map((account) => account.email)).not.toContain(PROBE_EMAIL);
		expect(
			await count(env.DB, "SELECT count(*) AS n FROM accounts WHERE email = ? AND synthetic = 1", PROBE_EMAIL),
		).toBe(1);
	});

	it("has no invitation in the list of pending invitations", async () => {
		const invited = await send(
			"POST",
			"/api/v1/staff/invitations",
			{
				email: `probe-${crypto.randomUUID()}@goodfood.local`,
				name: "Pat",
				role: "kitchen",
				locations: [PROBE_LOCATION],
			},
			STAFF,
		);
		expect(invited.status).toBe(201);
		const { id } = await json<{ id: string }>(invited);
		const list = await json<{ invitations: { id: string }[] }>(
			await call("/api/v1/staff/invitations", { headers: STAFF }),
		);
		expect(list.invitations.map((invitation) => invitation.id)).not.toContain(id);
	});

	it("leaves the admin's figures as they were, though its orders are in the region's database", async () => {
		expect(
			await count(env.ORDERS_EU, "SELECT count(*) AS n FROM orders WHERE location_slug = ?", PROBE_LOCATION),
		).toBeGreaterThanOrEqual(2);
		const after = await adminStats();
		expect(after.orders).toBe(statsBefore.orders);
		expect(after.regions).toEqual(statsBefore.regions);
		expect(after.topItems.map((item) => item.itemId)).not.toContain(probeIds(PROBE_LOCATION).itemId);

		const daily = await call("/api/v1/admin/stats/daily", { headers: STAFF });
		expect(daily.status).toBe(200);
		const { locations } = await json<{ locations: { location: string }[] }>(daily);
		expect(locations.length).toBeGreaterThan(0);
		expect(locations.map((location) => location.location)).not.toContain(PROBE_LOCATION);
	});

	it("is left out of the nightly forecasts and prep-time learning", async () => {
		const forecastLocations = await listLocationCategories(intelligenceDb(env.DB));
		expect(forecastLocations.length).toBeGreaterThan(0);
		expect(forecastLocations.map((location) => location.slug)).not.toContain(PROBE_LOCATION);

		// Its orders are what the job learns from (confirmed, ready, not scheduled), so only the rule keeps them out.
		const tomorrow = new Date(Date.now() + 86_400_000);
		const since = new Date(Date.now() - 86_400_000).toISOString();
		expect((await loadPastOrders(database(env.ORDERS_EU), PROBE_LOCATION, since, "UTC")).length).toBeGreaterThan(0);
		const learned: string[] = [];
		await learnPrepTimesNightly(env, tomorrow, log, async (_region, slug) => {
			learned.push(slug);
		});
		expect(learned).not.toContain(PROBE_LOCATION);
	});

	it("writes nothing the audit log shows, though its kitchen moves are recorded", async () => {
		const { accountId } = probeIds(PROBE_LOCATION);
		// A real staff write, after the probe's, for the page to show.
		const real = await send("POST", "/api/v1/locations/london-soho/pause", { reason: "Audit check" }, STAFF);
		expect(real.status).toBe(200);
		expect((await send("POST", "/api/v1/locations/london-soho/resume", {}, STAFF)).status).toBe(200);
		expect(await count(env.DB, "SELECT count(*) AS n FROM audit_log WHERE actor_id = ?", accountId)).toBeGreaterThan(0);
		const page = await json<{ entries: { actor: { id: string }; location: string | null }[] }>(
			await call("/api/v1/admin/audit?limit=100", { headers: STAFF }),
		);
		expect(page.entries.map((entry) => entry.location)).toContain("london-soho");
		expect(page.entries.map((entry) => entry.actor.id)).not.toContain(accountId);
		expect(page.entries.map((entry) => entry.location)).not.toContain(PROBE_LOCATION);
	});

	it("never reaches a real kitchen's board, and its kitchen account sees only its own", async () => {
		const probeOrders = runs.map(({ run }) => run.orderId);
		const soho = await json<{ orders: { id: string }[] }>(
			await call("/api/v1/locations/london-soho/orders?limit=200", { headers: await bearer(PRINCIPALS.kitchen) }),
		);
		expect(soho.orders.map((order) => order.id)).not.toEqual(expect.arrayContaining([probeOrders[0]]));

		const token = await json<{ accessToken: string }>(
			await send("POST", "/api/v1/auth/login", { email: PROBE_EMAIL, password: "probe-test-password-42" }),
		);
		const probeKitchen = { authorization: `Bearer ${token.accessToken}` };
		expect((await call("/api/v1/locations/london-soho/orders", { headers: probeKitchen })).status).toBe(403);
		const own = await json<{ orders: { id: string }[] }>(
			await call(`/api/v1/locations/${PROBE_LOCATION}/orders`, { headers: probeKitchen }),
		);
		expect(own.orders.map((order) => order.id)).toEqual(expect.arrayContaining(probeOrders));
	});
});

// The probe's own reads by slug keep working for the admin too: hiding is from lists, not from the location.
describe("the probe location read by its slug", () => {
	it("answers the location, and one location's figures", async () => {
		expect((await call(`/api/v1/locations/${PROBE_LOCATION}`)).status).toBe(200);
		const stats = await call(`/api/v1/admin/stats?location=${PROBE_LOCATION}`, { headers: STAFF });
		expect(stats.status).toBe(200);
		expect((await json<AdminStats>(stats)).orders).toBeGreaterThanOrEqual(2);
	});
});
