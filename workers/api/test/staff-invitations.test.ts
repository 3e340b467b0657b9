/**
 * Staff invitations and who manages staff: an admin or a manager invites by
 * e-mail, the invitee accepts with a password (a verified staff account,
 * signed in), a link works once and for 7 days, and a manager reaches only the
 * kitchen accounts of their own locations.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inboxOf, linkTokenFor } from "./accounts-helpers";
import { bearer, call, errorOf, json, PRINCIPALS, STAFF, send } from "./helpers";

interface Invitation {
	id: string;
	email: string;
	name: string;
	role: string;
	locations: string[];
	expiresAt: string;
	invitedBy: string | null;
}

interface Registration {
	accessToken: string;
	refreshToken: string;
	account: { id: string; email: string; role: string; locations: string[]; emailVerified: boolean };
}

const MANAGER = await bearer(PRINCIPALS.manager);
const KITCHEN = await bearer(PRINCIPALS.kitchen);
const CUSTOMER = await bearer(PRINCIPALS.customer);
const PASSWORD = "kitchen pass 2468";

const newAddress = () => `invitee-${crypto.randomUUID()}@goodfood.local`;

function invite(body: Record<string, unknown>, as: Record<string, string> = STAFF) {
	return send(
		"POST",
		"/api/v1/staff/invitations",
		{ name: "Sam", role: "kitchen", locations: ["london-soho"], ...body },
		as,
	);
}

async function invited(body: Record<string, unknown> = {}, as: Record<string, string> = STAFF) {
	const email = newAddress();
	const response = await invite({ email, ...body }, as);
	expect(response.status).toBe(201);
	return { email, invitation: await json<Invitation>(response), token: await linkTokenFor(email, "/invitation") };
}

function accept(token: string, password = PASSWORD) {
	return send("POST", "/api/v1/auth/invitations/accept", { token, password });
}

async function pending(as: Record<string, string> = STAFF): Promise<Invitation[]> {
	const response = await call("/api/v1/staff/invitations", { headers: as });
	expect(response.status).toBe(200);
	return (await json<{ invitations: Invitation[] }>(response)).invitations;
}

/** A kitchen account made by the admin, for a test to change or remove. */
async function kitchenAccount(locations: string[]): Promise<string> {
	const email = newAddress();
	const created = await send(
		"POST",
		"/api/v1/staff",
		{ email, password: PASSWORD, name: "Kit", role: "kitchen", locations },
		STAFF,
	);
	expect(created.status).toBe(201);
	return (await json<{ id: string }>(created)).id;
}

describe("an invitation", () => {
	it("is e-mailed, listed while pending, and accepted into a verified staff account that is signed in", async () => {
		const { email, invitation, token } = await invited();
		expect(invitation).toEqual({
			id: expect.any(String),
			email,
			name: "Sam",
			role: "kitchen",
			locations: ["london-soho"],
			expiresAt: expect.any(String),
			invitedBy: PRINCIPALS.admin.id,
		});
		const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
		expect(days).toBeGreaterThan(6.9);
		expect(days).toBeLessThanOrEqual(7);
		const [message] = await inboxOf(email);
		expect(message.text).toContain(`${env.APP_URL}/invitation?token=`);
		expect(message.text).toContain("kitchen at london-soho");
		expect((await pending()).map((each) => each.id)).toContain(invitation.id);

		const accepted = await accept(token);
		expect(accepted.status).toBe(201);
		const registration = await json<Registration>(accepted);
		expect(registration.account).toMatchObject({
			email,
			role: "kitchen",
			locations: ["london-soho"],
			emailVerified: true,
		});
		const orders = await call("/api/v1/locations/london-soho/orders", {
			headers: { authorization: `Bearer ${registration.accessToken}` },
		});
		expect(orders.status).toBe(200);
		expect((await pending()).map((each) => each.id)).not.toContain(invitation.id);

		const again = await accept(token, "another pass 1357");
		expect(again.status).toBe(410);
		expect((await errorOf(again)).code).toBe("link_used");
	});

	it("expires after 7 days: 410 link_expired, and no account is made", async () => {
		const { email, invitation, token } = await invited();
		await env.DB.prepare("UPDATE account_links SET expires_at = ? WHERE id = ?")
			.bind(Date.now() - 1, invitation.id)
			.run();
		const expired = await accept(token);
		expect(expired.status).toBe(410);
		expect((await errorOf(expired)).code).toBe("link_expired");
		expect((await pending()).map((each) => each.id)).not.toContain(invitation.id);
		const account = await env.DB.prepare("SELECT id FROM accounts WHERE email = ?").bind(email).first();
		expect(account).toBeNull();
	});

	it("refuses a weak password naming password, and the link still works afterwards", async () => {
		const { token } = await invited();
		const weak = await accept(token, "short1");
		expect(weak.status).toBe(400);
		expect((await errorOf(weak)).details?.map((detail) => detail.field)).toEqual(["password"]);
		expect((await accept(token)).status).toBe(201);
	});

	it("sent again to the same address replaces the pending one: the old link stops working", async () => {
		const first = await invited();
		const second = await invite({ email: first.email, role: "manager" });
		expect(second.status).toBe(201);
		const replacement = await json<Invitation>(second);
		const ids = (await pending()).map((each) => each.id);
		expect(ids).toContain(replacement.id);
		expect(ids).not.toContain(first.invitation.id);

		const old = await accept(first.token);
		expect(old.status).toBe(400);
		expect((await errorOf(old)).code).toBe("link_invalid");
		const accepted = await accept(await linkTokenFor(first.email, "/invitation"));
		expect(accepted.status).toBe(201);
		expect((await json<Registration>(accepted)).account.role).toBe("manager");
	});

	it("revoked, stops working; an unknown one is 404", async () => {
		const { invitation, token } = await invited();
		expect((await send("DELETE", `/api/v1/staff/invitations/${invitation.id}`, undefined, STAFF)).status).toBe(204);
		expect((await pending()).map((each) => each.id)).not.toContain(invitation.id);
		expect((await errorOf(await accept(token))).code).toBe("link_invalid");
		expect((await send("DELETE", `/api/v1/staff/invitations/${invitation.id}`, undefined, STAFF)).status).toBe(404);
	});

	it("to an address with a staff account is 409 already_staff; with a customer account 409 email_taken", async () => {
		const staff = await invite({ email: "kitchen.soho@goodfood.local" });
		expect(staff.status).toBe(409);
		expect((await errorOf(staff)).code).toBe("already_staff");
		const customer = await invite({ email: "customer@goodfood.local" });
		expect(customer.status).toBe(409);
		expect((await errorOf(customer)).code).toBe("email_taken");
	});

	it("refuses a kitchen or manager without a location, or an unknown location", async () => {
		const none = await invite({ email: newAddress(), locations: [] });
		expect(none.status).toBe(400);
		expect((await errorOf(none)).details?.map((detail) => detail.field)).toEqual(["locations"]);
		expect((await invite({ email: newAddress(), locations: ["atlantis"] })).status).toBe(404);
	});

	it("is recorded in the audit log with what it grants and never its token", async () => {
		const { invitation } = await invited();
		const entry = await env.DB.prepare(
			"SELECT actor_id, action, location_slug, before, after FROM audit_log WHERE after LIKE ? ORDER BY id DESC",
		)
			.bind(`%${invitation.id}%`)
			.first<{ actor_id: string; action: string; location_slug: string; before: string; after: string }>();
		expect(entry).toMatchObject({
			actor_id: PRINCIPALS.admin.id,
			action: "POST /api/v1/staff/invitations",
			location_slug: "london-soho",
		});
		expect(JSON.parse(entry?.after ?? "{}")).toEqual(invitation);
		expect(entry?.after).not.toMatch(/token/i);
	});
});

describe("who may invite and manage staff", () => {
	it("a manager invites kitchen accounts at their own locations only", async () => {
		const { invitation } = await invited({}, MANAGER);
		expect(invitation.invitedBy).toBe(PRINCIPALS.manager.id);

		const manager = await invite({ email: newAddress(), role: "manager" }, MANAGER);
		expect(manager.status).toBe(403);
		expect((await errorOf(manager)).code).toBe("forbidden");
		const elsewhere = await invite({ email: newAddress(), locations: ["new-york-chelsea"] }, MANAGER);
		expect(elsewhere.status).toBe(403);
		expect(await errorOf(elsewhere)).toMatchObject({
			details: { reason: "location", locationSlug: "new-york-chelsea" },
		});
		const shared = await invite({ email: newAddress(), locations: ["london-soho", "new-york-chelsea"] }, MANAGER);
		expect(shared.status).toBe(403);
	});

	it("kitchen staff and customers may not invite, list or revoke; anonymous callers are 401", async () => {
		for (const as of [KITCHEN, CUSTOMER]) {
			expect((await invite({ email: newAddress() }, as)).status).toBe(403);
			expect((await call("/api/v1/staff/invitations", { headers: as })).status).toBe(403);
			expect((await call("/api/v1/staff", { headers: as })).status).toBe(403);
		}
		expect((await invite({ email: newAddress() }, {})).status).toBe(401);
	});

	it("a manager sees and revokes only the invitations within their reach", async () => {
		const chelsea = await invited({ locations: ["new-york-chelsea"] });
		const soho = await invited();
		const seen = (await pending(MANAGER)).map((each) => each.id);
		expect(seen).toContain(soho.invitation.id);
		expect(seen).not.toContain(chelsea.invitation.id);

		const refused = await send("DELETE", `/api/v1/staff/invitations/${chelsea.invitation.id}`, undefined, MANAGER);
		expect(refused.status).toBe(403);
		expect((await send("DELETE", `/api/v1/staff/invitations/${soho.invitation.id}`, undefined, MANAGER)).status).toBe(
			204,
		);
	});

	it("a manager lists the kitchen accounts of their locations, not other staff", async () => {
		const response = await call("/api/v1/staff", { headers: MANAGER });
		expect(response.status).toBe(200);
		const { staff } = await json<{ staff: { id: string; role: string; locations: string[] }[] }>(response);
		const ids = staff.map((account) => account.id);
		expect(ids).toContain(PRINCIPALS.kitchen.id);
		expect(ids).not.toContain(PRINCIPALS.otherKitchen.id);
		expect(ids).not.toContain(PRINCIPALS.manager.id);
		expect(ids).not.toContain(PRINCIPALS.admin.id);
		expect(staff.every((account) => account.role === "kitchen" && account.locations.includes("london-soho"))).toBe(
			true,
		);
	});

	it("a manager changes and removes kitchen accounts of their locations, and no others", async () => {
		const ours = await kitchenAccount(["london-soho"]);
		const theirs = await kitchenAccount(["new-york-chelsea"]);

		const changed = await send(
			"PATCH",
			`/api/v1/staff/${ours}`,
			{ role: "kitchen", locations: ["london-soho"] },
			MANAGER,
		);
		expect(changed.status).toBe(200);
		const promoted = await send("PATCH", `/api/v1/staff/${ours}`, { role: "manager" }, MANAGER);
		expect(promoted.status).toBe(403);
		const moved = await send(
			"PATCH",
			`/api/v1/staff/${ours}`,
			{ role: "kitchen", locations: ["new-york-chelsea"] },
			MANAGER,
		);
		expect(moved.status).toBe(403);
		expect((await send("PATCH", `/api/v1/staff/${theirs}`, { role: "kitchen" }, MANAGER)).status).toBe(403);
		expect((await send("DELETE", `/api/v1/staff/${theirs}`, undefined, MANAGER)).status).toBe(403);
		expect((await send("DELETE", `/api/v1/staff/${PRINCIPALS.admin.id}`, undefined, MANAGER)).status).toBe(403);

		expect((await send("DELETE", `/api/v1/staff/${ours}`, undefined, MANAGER)).status).toBe(204);
		const gone = await env.DB.prepare("SELECT id FROM accounts WHERE id = ?").bind(ours).first();
		expect(gone).toBeNull();
		// Refused changes changed nothing.
		const kept = await env.DB.prepare("SELECT role, locations FROM accounts WHERE id = ?").bind(theirs).first();
		expect(kept).toEqual({ role: "kitchen", locations: '["new-york-chelsea"]' });
	});

	it("only admins create staff with a password", async () => {
		const response = await send(
			"POST",
			"/api/v1/staff",
			{ email: newAddress(), password: PASSWORD, name: "Kit", role: "kitchen", locations: ["london-soho"] },
			MANAGER,
		);
		expect(response.status).toBe(403);
	});
});
