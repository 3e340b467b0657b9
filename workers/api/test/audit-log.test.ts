/**
 * The audit log: every staff and admin write that succeeds is recorded with
 * who, what, when, before and after; reads, refusals and customers' writes
 * are not; secrets never reach it; and no statement can change an entry.
 * Admins read it through GET /admin/audit, by who, what, where and when.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import {
	bearer,
	call,
	cartWithFlatWhite,
	checkout,
	errorOf,
	json,
	PICKUP_TOMORROW,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

interface AuditRow {
	id: string;
	actor_id: string;
	actor_role: string;
	action: string;
	target: string;
	location_slug: string | null;
	status: number;
	before: string | null;
	after: string | null;
}

async function entriesFor(target: string): Promise<AuditRow[]> {
	const { results } = await env.DB.prepare("SELECT * FROM audit_log WHERE target = ? ORDER BY id")
		.bind(target)
		.all<AuditRow>();
	return results;
}

async function createStaff(): Promise<string> {
	const email = `audit-${crypto.randomUUID()}@goodfood.local`;
	const created = await send(
		"POST",
		"/api/v1/staff",
		{ email, password: "secret pass 123", name: "Sam", role: "kitchen", locations: ["london-soho"] },
		STAFF,
	);
	expect(created.status).toBe(201);
	return ((await created.json()) as { id: string }).id;
}

describe("audit log", () => {
	it("records a staff write with who did it, the route, the target and the body, without the password", async () => {
		const before = Date.now();
		await createStaff();
		const { results } = await env.DB.prepare("SELECT * FROM audit_log WHERE action = ? AND at >= ? ORDER BY id")
			.bind("POST /api/v1/staff", new Date(before).toISOString())
			.all<AuditRow>();
		const entry = results.at(-1);
		expect(entry).toMatchObject({ actor_id: PRINCIPALS.admin.id, actor_role: "admin", status: 201 });
		const after = JSON.parse(entry?.after ?? "null");
		expect(after).toMatchObject({ role: "kitchen", locations: ["london-soho"] });
		expect(entry?.after).not.toContain("secret pass 123");
	});

	it("names the route pattern as the action and the location a path names", async () => {
		const id = await createStaff();
		const target = `/api/v1/staff/${id}`;
		expect((await send("PATCH", target, { role: "manager", locations: ["london-soho"] }, STAFF)).status).toBe(200);
		const [entry] = await entriesFor(target);
		expect(entry).toMatchObject({ action: "PATCH /api/v1/staff/:accountId", status: 200 });
	});

	it("leaves out refusals, reads and customers' own writes", async () => {
		const kitchen = await bearer(PRINCIPALS.kitchen);
		const target = "/api/v1/staff";
		const before = (await entriesFor(target)).length;
		expect((await send("POST", target, {}, kitchen)).status).toBe(403);
		expect((await send("GET", target, undefined, STAFF)).status).toBe(200);
		const customer = await bearer(PRINCIPALS.customer);
		expect((await send("PATCH", "/api/v1/customers/me", { name: "Ada" }, customer)).status).toBe(200);
		expect(await entriesFor(target)).toHaveLength(before);
		expect(await entriesFor("/api/v1/customers/me")).toHaveLength(0);
	});

	it("refuses to change or remove an entry, whoever asks", async () => {
		await createStaff();
		const { id } = (await env.DB.prepare("SELECT id FROM audit_log ORDER BY id DESC LIMIT 1").first<{
			id: string;
		}>()) ?? {
			id: "",
		};
		await expect(
			env.DB.prepare("UPDATE audit_log SET actor_id = 'someone-else' WHERE id = ?").bind(id).run(),
		).rejects.toThrow(/never change/);
		await expect(env.DB.prepare("DELETE FROM audit_log WHERE id = ?").bind(id).run()).rejects.toThrow(/never removed/);
		expect(await env.DB.prepare("SELECT actor_id FROM audit_log WHERE id = ?").bind(id).first("actor_id")).toBe(
			PRINCIPALS.admin.id,
		);
	});
});

interface AuditEntry {
	id: string;
	at: string;
	actor: { id: string; role: string; email: string | null };
	action: string;
	target: string;
	location: string | null;
	status: number;
	before: unknown;
	after: unknown;
}

interface AuditPage {
	entries: AuditEntry[];
	nextCursor: string | null;
}

async function auditPage(query: Record<string, string | number>, headers = STAFF): Promise<AuditPage> {
	const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
	const response = await call(`/api/v1/admin/audit?${search}`, { headers });
	expect(response.status).toBe(200);
	return json<AuditPage>(response);
}

/** A new manager of London Soho, signed in: entries of their own, apart from every other test's. */
async function newManager(): Promise<{ id: string; email: string; headers: { authorization: string } }> {
	const email = `audit-manager-${crypto.randomUUID()}@goodfood.local`;
	const created = await send(
		"POST",
		"/api/v1/staff",
		{ email, password: "manager pass 123", name: "Max", role: "manager", locations: ["london-soho"] },
		STAFF,
	);
	expect(created.status).toBe(201);
	const { id } = await json<{ id: string }>(created);
	return { id, email, headers: await bearer({ id, role: "manager", locations: ["london-soho"] }) };
}

async function newItem(headers: Record<string, string> = STAFF): Promise<string> {
	const response = await send(
		"POST",
		"/api/v1/locations/london-soho/items",
		{ categoryId: "cat-ldn-drinks", name: `Audit tea ${crypto.randomUUID()}`, price: { amount: 250, currency: "GBP" } },
		headers,
	);
	expect(response.status).toBe(201);
	return (await json<{ id: string }>(response)).id;
}

const itemPath = (itemId: string) => `/api/v1/locations/london-soho/items/${itemId}`;

describe("GET /admin/audit", () => {
	it("lists a manager's writes newest first, with their e-mail, filtered by actor id or e-mail", async () => {
		const manager = await newManager();
		const itemId = await newItem(manager.headers);
		expect((await send("PUT", `${itemPath(itemId)}/sold-out`, { soldOut: true }, manager.headers)).status).toBe(200);

		const byId = await auditPage({ actor: manager.id });
		expect(byId.entries.map((entry) => entry.action)).toEqual([
			"PUT /api/v1/locations/:slug/items/:itemId/sold-out",
			"POST /api/v1/locations/:slug/items",
		]);
		expect(byId.entries[0]).toMatchObject({
			actor: { id: manager.id, role: "manager", email: manager.email },
			target: `${itemPath(itemId)}/sold-out`,
			location: "london-soho",
			status: 200,
			before: { soldOut: false },
			after: { soldOut: true },
		});
		expect(byId.entries[1]?.after).toMatchObject({ id: itemId, price: { amount: 250, currency: "GBP" } });
		expect(byId.nextCursor).toBeNull();
		expect(await auditPage({ actor: manager.email.toUpperCase() })).toEqual(byId);
	});

	it("keeps a removed account's entries, with no e-mail to show", async () => {
		const manager = await newManager();
		await newItem(manager.headers);
		expect((await send("DELETE", `/api/v1/staff/${manager.id}`, undefined, STAFF)).status).toBe(204);
		const { entries } = await auditPage({ actor: manager.id });
		expect(entries).toHaveLength(1);
		expect(entries[0]?.actor).toEqual({ id: manager.id, role: "manager", email: null });
		// Entries keep the id, not the address: a removed account's e-mail finds nothing.
		expect((await auditPage({ actor: manager.email })).entries).toEqual([]);
	});

	it("pages with nextCursor through every entry once, newest first", async () => {
		const manager = await newManager();
		const itemId = await newItem(manager.headers);
		for (const soldOut of [true, false, true, false]) {
			expect((await send("PUT", `${itemPath(itemId)}/sold-out`, { soldOut }, manager.headers)).status).toBe(200);
		}
		const all = (await auditPage({ actor: manager.id })).entries;
		expect(all).toHaveLength(5);
		expect(all.map((entry) => entry.id)).toEqual(
			all
				.map((entry) => entry.id)
				.sort()
				.reverse(),
		);

		const first = await auditPage({ actor: manager.id, limit: 2 });
		expect(first.entries).toEqual(all.slice(0, 2));
		const second = await auditPage({ actor: manager.id, limit: 2, cursor: String(first.nextCursor) });
		expect(second.entries).toEqual(all.slice(2, 4));
		const third = await auditPage({ actor: manager.id, limit: 2, cursor: String(second.nextCursor) });
		expect(third).toEqual({ entries: all.slice(4), nextCursor: null });
	});

	it("narrows by part of the action, by location and by time", async () => {
		const manager = await newManager();
		const started = new Date().toISOString();
		const itemId = await newItem(manager.headers);
		expect((await send("PUT", `${itemPath(itemId)}/sold-out`, { soldOut: true }, manager.headers)).status).toBe(200);
		const actor = manager.id;

		const soldOut = await auditPage({ actor, action: "SOLD-OUT" });
		expect(soldOut.entries.map((entry) => entry.action)).toEqual([
			"PUT /api/v1/locations/:slug/items/:itemId/sold-out",
		]);
		expect((await auditPage({ actor, action: "POST /api/v1/locations/:slug/items" })).entries).toHaveLength(1);
		expect((await auditPage({ actor, location: "london-soho" })).entries).toHaveLength(2);
		expect((await auditPage({ actor, location: "new-york-chelsea" })).entries).toEqual([]);
		expect((await auditPage({ actor, from: started })).entries).toHaveLength(2);
		expect((await auditPage({ actor, to: started })).entries).toEqual([]);
		const today = started.slice(0, 10);
		expect((await auditPage({ actor, from: today, to: today })).entries).toHaveLength(2);
		expect((await auditPage({ actor, from: "2020-01-01", to: "2020-12-31" })).entries).toEqual([]);
	});

	it("refuses bad filters with 400 naming the field", async () => {
		const cases: [Record<string, string>, string][] = [
			[{ actor: "not an id!" }, "actor"],
			[{ actor: "someone@" }, "actor"],
			[{ location: "London Soho" }, "location"],
			[{ from: "yesterday" }, "from"],
			[{ to: "2030-02-31" }, "to"],
			[{ from: "2030-07-02", to: "2030-07-01" }, "to"],
			[{ limit: "0" }, "limit"],
			[{ limit: "201" }, "limit"],
			[{ cursor: "page-2" }, "cursor"],
			[{ action: "" }, "action"],
		];
		for (const [query, field] of cases) {
			const response = await call(`/api/v1/admin/audit?${new URLSearchParams(query)}`, { headers: STAFF });
			expect(response.status, JSON.stringify(query)).toBe(400);
			expect((await errorOf(response)).details?.map((detail) => detail.field)).toEqual([field]);
		}
	});

	it("is for admins only: 401 anonymous, 403 for managers and kitchen staff", async () => {
		expect((await call("/api/v1/admin/audit")).status).toBe(401);
		for (const principal of [PRINCIPALS.manager, PRINCIPALS.kitchen, PRINCIPALS.customer]) {
			const response = await call("/api/v1/admin/audit", { headers: await bearer(principal) });
			expect(response.status).toBe(403);
			expect((await errorOf(response)).code).toBe("forbidden");
		}
	});
});

describe("before and after", () => {
	it("shows an item's price as it was and as it became", async () => {
		const itemId = await newItem();
		const patch = { price: { amount: 320, currency: "GBP" }, name: "Audit tea, large" };
		expect((await send("PATCH", itemPath(itemId), patch, STAFF)).status).toBe(200);
		const [entry] = await entriesFor(itemPath(itemId));
		expect(JSON.parse(entry?.before ?? "null")).toEqual({
			price: { amount: 250, currency: "GBP" },
			name: expect.stringMatching(/^Audit tea /),
		});
		expect(JSON.parse(entry?.after ?? "null")).toEqual(patch);
		expect(entry?.location_slug).toBe("london-soho");
	});

	it("shows an order's status before and after a kitchen moves it, and where it is", async () => {
		const cart = await cartWithFlatWhite();
		const { orderId } = await json<{ orderId: string }>(await checkout(cart.id, PICKUP_TOMORROW()));
		const target = `/api/v1/orders/${orderId}/status`;
		const kitchen = await bearer(PRINCIPALS.kitchen);
		expect((await send("POST", target, { status: "confirmed", etaMinutes: 15 }, kitchen)).status).toBe(200);
		const [entry] = await entriesFor(target);
		expect(entry).toMatchObject({
			actor_id: PRINCIPALS.kitchen.id,
			action: "POST /api/v1/orders/:orderId/status",
			location_slug: "london-soho",
		});
		expect(JSON.parse(entry?.before ?? "null")).toEqual({ status: "placed" });
		expect(JSON.parse(entry?.after ?? "null")).toEqual({ status: "confirmed", estimatedReadyAt: expect.any(String) });
	});

	it("shows what an order had refunded before a manager's refund, and the refund with the new total", async () => {
		const cart = await cartWithFlatWhite();
		const { orderId } = await json<{ orderId: string }>(await checkout(cart.id, PICKUP_TOMORROW()));
		for (const status of ["confirmed", "preparing", "ready", "picked_up"]) {
			await send("POST", `/api/v1/orders/${orderId}/status`, { status, etaMinutes: 10 }, STAFF);
		}
		await vi.waitFor(
			async () => {
				const order = await json<{ payment: { status: string } }>(
					await call(`/api/v1/orders/${orderId}`, { headers: STAFF }),
				);
				expect(order.payment.status).toBe("captured");
			},
			{ timeout: 5_000, interval: 50 },
		);
		const target = `/api/v1/orders/${orderId}/refunds`;
		const manager = await bearer(PRINCIPALS.manager);
		const refund = { amount: 100, reason: "Cold coffee" };
		const refunded = await send("POST", target, refund, { ...manager, "idempotency-key": crypto.randomUUID() });
		expect(refunded.status).toBe(201);
		const [entry] = await entriesFor(target);
		expect(entry).toMatchObject({ actor_id: PRINCIPALS.manager.id, action: "POST /api/v1/orders/:orderId/refunds" });
		expect(JSON.parse(entry?.before ?? "null")).toEqual({ refunded: { amount: 0, currency: "GBP" } });
		expect(JSON.parse(entry?.after ?? "null")).toMatchObject({
			status: "succeeded",
			refund: { amount: { amount: 100, currency: "GBP" }, reason: "Cold coffee" },
			refunded: { amount: 100, currency: "GBP" },
		});
	});

	it("shows which photo an item had and has, by id, never the bytes", async () => {
		const itemId = await newItem();
		const target = `${itemPath(itemId)}/image`;
		expect((await send("DELETE", target, undefined, STAFF)).status).toBe(200);
		const [entry] = await entriesFor(target);
		expect(JSON.parse(entry?.before ?? "null")).toEqual({ imageId: null });
		expect(JSON.parse(entry?.after ?? "null")).toEqual({ imageId: null });
	});
});

describe("GraphQL writes", () => {
	const CHANGE_STATUS = /* GraphQL */ `mutation Move($order: ID!) {
		moved: changeOrderStatus(order: $order, status: CONFIRMED, etaMinutes: 10) { status }
	}`;

	async function graphql(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
		const response = await send("POST", "/api/v1/graphql", { query, variables }, headers);
		expect(response.status).toBe(200);
		return json<{ data?: unknown; errors?: unknown[] }>(response);
	}

	async function graphEntries(since: string): Promise<AuditRow[]> {
		const { results } = await env.DB.prepare(
			"SELECT * FROM audit_log WHERE target = '/api/v1/graphql' AND at >= ? ORDER BY id",
		)
			.bind(since)
			.all<AuditRow>();
		return results;
	}

	it("are named by the mutation, with its variables; reads and refused mutations are not recorded", async () => {
		const cart = await cartWithFlatWhite();
		const { orderId } = await json<{ orderId: string }>(await checkout(cart.id, PICKUP_TOMORROW()));
		const manager = await newManager();
		const since = new Date().toISOString();

		const read = await graphql(`query { locations { slug } }`, {}, manager.headers);
		expect(read.errors).toBeUndefined();
		const moved = await graphql(CHANGE_STATUS, { order: orderId }, manager.headers);
		expect(moved.errors).toBeUndefined();
		// Confirmed already: refused.
		expect((await graphql(CHANGE_STATUS, { order: orderId }, manager.headers)).errors).toBeDefined();

		const entries = (await graphEntries(since)).filter((entry) => entry.actor_id === manager.id);
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ action: "graphql mutation changeOrderStatus", status: 200 });
		expect(JSON.parse(entries[0]?.after ?? "null")).toEqual({ order: orderId });
	});
});

describe("secrets", () => {
	it("never keeps a webhook's signing secret", async () => {
		const created = await send(
			"POST",
			"/api/v1/locations/london-soho/webhooks",
			{ url: "https://pos.example.com/audit", events: "all" },
			STAFF,
		);
		expect(created.status).toBe(201);
		const { secret } = await json<{ secret: string }>(created);
		expect(secret.length).toBeGreaterThan(10);
		const { results } = await env.DB.prepare("SELECT * FROM audit_log WHERE target = ?")
			.bind("/api/v1/locations/london-soho/webhooks")
			.all<AuditRow>();
		expect(results.length).toBeGreaterThan(0);
		for (const entry of results) {
			expect(`${entry.before} ${entry.after}`).not.toContain(secret);
		}
	});
});
