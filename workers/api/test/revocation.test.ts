/**
 * Revocation: an access token names its session, and ending the session ends
 * the token on the very next request: sign-out, account deletion, a password
 * change (every session but the one that made it), a staff member's removal
 * or role change. Refresh tokens of an ended session no longer refresh.
 */
import { describe, expect, it } from "vitest";
import { call, errorOf, json, STAFF, send } from "./helpers";

interface Tokens {
	accessToken: string;
	refreshToken: string;
}

let addressCounter = 0;
/** Each sign-in from its own address, so the sign-in limit never decides a test. */
function fromNewAddress() {
	addressCounter += 1;
	return { "cf-connecting-ip": `203.0.113.${addressCounter}` };
}

const PASSWORD = "correct horse 42";
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function registerCustomer(): Promise<Tokens & { email: string }> {
	const email = `${crypto.randomUUID()}@example.com`;
	const response = await send("POST", "/api/v1/auth/register", { email, password: PASSWORD, name: "Grace" });
	expect(response.status).toBe(201);
	return { email, ...(await json<Tokens>(response)) };
}

async function login(email: string, password: string): Promise<Response> {
	return send("POST", "/api/v1/auth/login", { email, password }, fromNewAddress());
}

async function signIn(email: string, password: string): Promise<Tokens> {
	const response = await login(email, password);
	expect(response.status).toBe(200);
	return json<Tokens>(response);
}

function refresh(refreshToken: string): Promise<Response> {
	return send("POST", "/api/v1/auth/refresh", { refreshToken });
}

function profile(accessToken: string): Promise<Response> {
	return call("/api/v1/customers/me", { headers: auth(accessToken) });
}

/** A staff account created by the admin, signed in through the API. */
async function staffMember(role: "kitchen" | "manager", locations = ["london-soho"]) {
	const email = `staff-${crypto.randomUUID()}@goodfood.local`;
	const password = "staff pass 123";
	const created = await send("POST", "/api/v1/staff", { email, password, name: "Sam", role, locations }, STAFF);
	expect(created.status).toBe(201);
	const { id } = await json<{ id: string }>(created);
	return { id, email, password, ...(await signIn(email, password)) };
}

function ordersOfSoho(accessToken: string): Promise<Response> {
	return call("/api/v1/locations/london-soho/orders", { headers: auth(accessToken) });
}

describe("sign-out", () => {
	it("refuses the session's access token on the next request, and its refresh token", async () => {
		const customer = await registerCustomer();
		expect((await profile(customer.accessToken)).status).toBe(200);

		expect((await send("POST", "/api/v1/auth/logout", { refreshToken: customer.refreshToken })).status).toBe(204);

		const refused = await profile(customer.accessToken);
		expect(refused.status).toBe(401);
		expect((await errorOf(refused)).code).toBe("unauthorized");
		expect((await refresh(customer.refreshToken)).status).toBe(401);
	});

	it("ends only that sign-in: the account's other session keeps working", async () => {
		const customer = await registerCustomer();
		const elsewhere = await signIn(customer.email, PASSWORD);

		await send("POST", "/api/v1/auth/logout", { refreshToken: customer.refreshToken });

		expect((await profile(customer.accessToken)).status).toBe(401);
		expect((await profile(elsewhere.accessToken)).status).toBe(200);
	});

	it("covers the tokens a rotation handed out in the same session", async () => {
		const customer = await registerCustomer();
		const rotated = await json<Tokens>(await refresh(customer.refreshToken));

		await send("POST", "/api/v1/auth/logout", { refreshToken: rotated.refreshToken });

		expect((await profile(customer.accessToken)).status).toBe(401);
		expect((await profile(rotated.accessToken)).status).toBe(401);
	});
});

describe("a stolen refresh token coming back", () => {
	it("ends the access tokens of its session too", async () => {
		const customer = await registerCustomer();
		const rotated = await json<Tokens>(await refresh(customer.refreshToken));

		expect((await refresh(customer.refreshToken)).status).toBe(401);

		expect((await profile(rotated.accessToken)).status).toBe(401);
	});
});

describe("account deletion", () => {
	it("refuses the token at once: it no longer reads the profile or creates carts", async () => {
		const customer = await registerCustomer();
		const elsewhere = await signIn(customer.email, PASSWORD);
		const cart = await send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, auth(customer.accessToken));
		expect(cart.status).toBe(201);

		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken))).status).toBe(204);

		const again = await send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, auth(customer.accessToken));
		expect(again.status).toBe(401);
		expect(
			(await send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, auth(elsewhere.accessToken))).status,
		).toBe(401);
		expect((await refresh(elsewhere.refreshToken)).status).toBe(401);
	});
});

describe("a password change", () => {
	it("ends every other session of the account; the one that changed it keeps working", async () => {
		const customer = await registerCustomer();
		const elsewhere = await signIn(customer.email, PASSWORD);
		const newPassword = "a fresh pass 4567";

		const changed = await send(
			"POST",
			"/api/v1/customers/me/password",
			{ currentPassword: PASSWORD, newPassword },
			auth(customer.accessToken),
		);
		expect(changed.status).toBe(200);

		expect((await profile(elsewhere.accessToken)).status).toBe(401);
		expect((await refresh(elsewhere.refreshToken)).status).toBe(401);
		expect((await profile(customer.accessToken)).status).toBe(200);
		const rotated = await refresh(customer.refreshToken);
		expect(rotated.status).toBe(200);
		expect((await profile((await json<Tokens>(rotated)).accessToken)).status).toBe(200);
		expect((await login(customer.email, PASSWORD)).status).toBe(401);
		expect((await login(customer.email, newPassword)).status).toBe(200);
	});

	it("answers 401 for a wrong current password and changes nothing", async () => {
		const customer = await registerCustomer();
		const response = await send(
			"POST",
			"/api/v1/customers/me/password",
			{ currentPassword: "not my password 1", newPassword: "a fresh pass 4567" },
			auth(customer.accessToken),
		);
		expect(response.status).toBe(401);
		expect((await profile(customer.accessToken)).status).toBe(200);
		expect((await login(customer.email, PASSWORD)).status).toBe(200);
	});

	it("answers 400 naming the field for a weak or missing new password", async () => {
		const customer = await registerCustomer();
		const weak = await send(
			"POST",
			"/api/v1/customers/me/password",
			{ currentPassword: PASSWORD, newPassword: "short1" },
			auth(customer.accessToken),
		);
		expect(weak.status).toBe(400);
		expect((await errorOf(weak)).details?.map((detail) => detail.field)).toEqual(["newPassword"]);

		const missing = await send(
			"POST",
			"/api/v1/customers/me/password",
			{ currentPassword: PASSWORD },
			auth(customer.accessToken),
		);
		expect(missing.status).toBe(400);
		expect((await errorOf(missing)).details?.map((detail) => detail.field)).toContain("newPassword");
		expect((await profile(customer.accessToken)).status).toBe(200);
	});
});

describe("staff changes", () => {
	it("removal: the staff member's token is refused on the next request, and the account can no longer sign in", async () => {
		const kitchen = await staffMember("kitchen");
		expect((await ordersOfSoho(kitchen.accessToken)).status).toBe(200);

		expect((await send("DELETE", `/api/v1/staff/${kitchen.id}`, undefined, STAFF)).status).toBe(204);

		expect((await ordersOfSoho(kitchen.accessToken)).status).toBe(401);
		expect((await refresh(kitchen.refreshToken)).status).toBe(401);
		expect((await login(kitchen.email, kitchen.password)).status).toBe(401);
	});

	it("a role change: the token carrying the old role is refused, and a new sign-in carries the new one", async () => {
		const manager = await staffMember("manager");
		const item = { categoryId: "cat-ldn-drinks", name: "Test tea", price: { amount: 250, currency: "GBP" } };
		expect((await send("POST", "/api/v1/locations/london-soho/items", item, auth(manager.accessToken))).status).toBe(
			201,
		);

		const changed = await send("PATCH", `/api/v1/staff/${manager.id}`, { role: "kitchen" }, STAFF);
		expect(changed.status).toBe(200);
		expect(await json(changed)).toMatchObject({ role: "kitchen", locations: ["london-soho"] });

		expect((await ordersOfSoho(manager.accessToken)).status).toBe(401);
		expect((await refresh(manager.refreshToken)).status).toBe(401);
		const asKitchen = await signIn(manager.email, manager.password);
		const refused = await send("POST", "/api/v1/locations/london-soho/items", item, auth(asKitchen.accessToken));
		expect(refused.status).toBe(403);
		expect((await ordersOfSoho(asKitchen.accessToken)).status).toBe(200);
	});

	it("a change of locations alone ends the sessions too", async () => {
		const kitchen = await staffMember("kitchen");
		const changed = await send(
			"PATCH",
			`/api/v1/staff/${kitchen.id}`,
			{ role: "kitchen", locations: ["new-york-chelsea"] },
			STAFF,
		);
		expect(changed.status).toBe(200);
		expect((await ordersOfSoho(kitchen.accessToken)).status).toBe(401);
		const again = await signIn(kitchen.email, kitchen.password);
		expect((await ordersOfSoho(again.accessToken)).status).toBe(403);
	});

	it("refuses what no admin may do, and answers in the envelope naming the field", async () => {
		const kitchen = await staffMember("kitchen");
		const noLocation = await send("PATCH", `/api/v1/staff/${kitchen.id}`, { role: "manager", locations: [] }, STAFF);
		expect(noLocation.status).toBe(400);
		expect((await errorOf(noLocation)).details?.map((detail) => detail.field)).toEqual(["locations"]);
		const unknownRole = await send("PATCH", `/api/v1/staff/${kitchen.id}`, { role: "owner" }, STAFF);
		expect(unknownRole.status).toBe(400);
		expect((await errorOf(unknownRole)).details?.map((detail) => detail.field)).toEqual(["role"]);
		const unknownLocation = await send(
			"PATCH",
			`/api/v1/staff/${kitchen.id}`,
			{ role: "kitchen", locations: ["atlantis"] },
			STAFF,
		);
		expect(unknownLocation.status).toBe(404);
		// The refusals changed nothing: the session still works.
		expect((await ordersOfSoho(kitchen.accessToken)).status).toBe(200);

		const customer = await registerCustomer();
		const { id: customerId } = await json<{ id: string }>(await profile(customer.accessToken));
		expect((await send("DELETE", `/api/v1/staff/${customerId}`, undefined, STAFF)).status).toBe(404);
		expect((await send("DELETE", "/api/v1/staff/acc-nobody", undefined, STAFF)).status).toBe(404);
	});

	it("an admin may not change or remove their own account", async () => {
		const own = await send(
			"PATCH",
			"/api/v1/staff/acc-demo-admin",
			{ role: "kitchen", locations: ["london-soho"] },
			STAFF,
		);
		expect(own.status).toBe(409);
		expect((await send("DELETE", "/api/v1/staff/acc-demo-admin", undefined, STAFF)).status).toBe(409);
		expect((await call("/api/v1/staff", { headers: STAFF })).status).toBe(200);
	});
});
