/**
 * The audit log: every staff and admin write that succeeds is recorded with
 * who, what, when, before and after; reads, refusals and customers' writes
 * are not; secrets never reach it; and no statement can change an entry.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, PRINCIPALS, STAFF, send } from "./helpers";

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
		expect(after).toMatchObject({ role: "kitchen", locations: ["london-soho"], password: "[redacted]" });
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
