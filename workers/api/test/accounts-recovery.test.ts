/**
 * Getting back into an account and proving its address: a password reset by
 * e-mailed link (single use, 30 minutes, no account enumeration), e-mail
 * verification and what waits for it (saved addresses, not ordering), and a
 * password change ending the account's other sessions.
 */
import { env } from "cloudflare:workers";
import { sha256Hex } from "@goodfood/platform/crypto";
import { describe, expect, it } from "vitest";
import { inboxOf, linkTokenFor, sendSettled, verifyEmailOf } from "./accounts-helpers";
import { call, cartWithFlatWhite, checkout, errorOf, json, NEARBY_ADDRESS, PICKUP_TOMORROW, send } from "./helpers";

interface Tokens {
	accessToken: string;
	refreshToken: string;
	account: { id: string; email: string; emailVerified: boolean };
}

const PASSWORD = "correct horse 42";
const NEW_PASSWORD = "a fresh pass 4567";
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

let addressCounter = 0;
/** Each sign-in from its own address, so the sign-in limit never decides a test. */
function fromNewAddress() {
	addressCounter += 1;
	return { "cf-connecting-ip": `192.0.2.${addressCounter}` };
}

async function register(): Promise<Tokens & { email: string }> {
	const email = `${crypto.randomUUID()}@example.com`;
	const response = await send("POST", "/api/v1/auth/register", { email, password: PASSWORD, name: "Grace" });
	expect(response.status).toBe(201);
	return { email, ...(await json<Tokens>(response)) };
}

function login(email: string, password: string) {
	return send("POST", "/api/v1/auth/login", { email, password }, fromNewAddress());
}

function profile(accessToken: string) {
	return call("/api/v1/customers/me", { headers: auth(accessToken) });
}

function requestReset(email: string) {
	return sendSettled("POST", "/api/v1/auth/password-reset", { email }, fromNewAddress());
}

function completeReset(token: string, password = NEW_PASSWORD) {
	return send("POST", "/api/v1/auth/password-reset/complete", { token, password });
}

/** A registered customer who asked for a reset, and the token of the link e-mailed to them. */
async function withResetLink() {
	const customer = await register();
	expect((await requestReset(customer.email)).status).toBe(202);
	return { ...customer, token: await linkTokenFor(customer.email, "/reset-password") };
}

const HOME = { label: "Home", ...NEARBY_ADDRESS };

describe("a password reset", () => {
	it("e-mails a link that sets the password, ends every session and lets the new password sign in", async () => {
		const customer = await withResetLink();
		const [email] = (await inboxOf(customer.email)).filter((message) => /reset/i.test(message.subject));
		expect(email.text).toContain(`${env.APP_URL}/reset-password?token=`);
		expect(email.text).toContain("30 minutes");

		const done = await completeReset(customer.token);
		expect(done.status).toBe(200);
		expect(await json(done)).toEqual({ message: expect.any(String) });

		expect((await profile(customer.accessToken)).status).toBe(401);
		expect((await send("POST", "/api/v1/auth/refresh", { refreshToken: customer.refreshToken })).status).toBe(401);
		expect((await login(customer.email, PASSWORD)).status).toBe(401);
		const signedIn = await login(customer.email, NEW_PASSWORD);
		expect(signedIn.status).toBe(200);
		// Receiving the link showed the address is theirs.
		const me = await json<{ emailVerified: boolean }>(await profile((await json<Tokens>(signedIn)).accessToken));
		expect(me.emailVerified).toBe(true);
	});

	it("answers the same, and does the same work, whether or not an account uses the address; e-mails only the account", async () => {
		const customer = await register();
		const unknown = `${crypto.randomUUID()}@example.com`;

		const known = await requestReset(customer.email);
		const stranger = await requestReset(unknown);

		expect(stranger.status).toBe(known.status);
		expect(known.status).toBe(202);
		expect(await stranger.json()).toEqual(await known.json());
		expect(
			(await inboxOf(customer.email)).filter((message) => message.text.includes("/reset-password?token=")),
		).toHaveLength(1);
		expect(await inboxOf(unknown)).toEqual([]);
		const links = await env.DB.prepare("SELECT count(*) AS n FROM account_links WHERE email = ?")
			.bind(unknown)
			.first<{ n: number }>();
		expect(links?.n).toBe(0);
	});

	it("works once: the second use answers 410 link_used", async () => {
		const { token } = await withResetLink();
		expect((await completeReset(token)).status).toBe(200);
		const again = await completeReset(token, "another pass 8910");
		expect(again.status).toBe(410);
		expect((await errorOf(again)).code).toBe("link_used");
	});

	it("works once even when two uses race: one sets the password, the other answers 410", async () => {
		const customer = await withResetLink();
		const answers = await Promise.all([
			completeReset(customer.token, "first racer pass 1"),
			completeReset(customer.token, "second racer pass 2"),
		]);
		expect(answers.map((answer) => answer.status).sort()).toEqual([200, 410]);
		const winner = answers[0].status === 200 ? "first racer pass 1" : "second racer pass 2";
		expect((await login(customer.email, winner)).status).toBe(200);
	});

	it("expires after 30 minutes: 410 link_expired, and the password stays", async () => {
		const customer = await register();
		const token = "an-expired-reset-token-0123456789abcdef";
		const issued = Date.now() - 31 * 60_000;
		await env.DB.prepare(
			`INSERT INTO account_links (id, purpose, account_id, email, token_hash, expires_at, created_at)
			 VALUES (?, 'password_reset', ?, ?, ?, ?, ?)`,
		)
			.bind(
				`lnk_${crypto.randomUUID()}`,
				customer.account.id,
				customer.email,
				await sha256Hex(token),
				issued + 30 * 60_000,
				issued,
			)
			.run();

		const expired = await completeReset(token);
		expect(expired.status).toBe(410);
		expect((await errorOf(expired)).code).toBe("link_expired");
		expect((await login(customer.email, PASSWORD)).status).toBe(200);
	});

	it("refuses a token it never sent, or one sent for something else, with 400 link_invalid naming token", async () => {
		const made = await completeReset("made-up-token");
		expect(made.status).toBe(400);
		expect(await errorOf(made)).toMatchObject({ code: "link_invalid", details: [{ field: "token" }] });

		const customer = await register();
		const verification = await linkTokenFor(customer.email, "/verify-email");
		expect((await errorOf(await completeReset(verification))).code).toBe("link_invalid");
	});

	it("refuses a weak password with 400 naming password, leaving the link usable", async () => {
		const { token } = await withResetLink();
		const weak = await completeReset(token, "short1");
		expect(weak.status).toBe(400);
		expect((await errorOf(weak)).details?.map((detail) => detail.field)).toEqual(["password"]);
		expect((await completeReset(token)).status).toBe(200);
	});

	it("refuses an address that is not one with 400 naming email", async () => {
		const response = await send("POST", "/api/v1/auth/password-reset", { email: "not an address" });
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.map((detail) => detail.field)).toEqual(["email"]);
	});
});

describe("e-mail verification", () => {
	it("registration e-mails a link; until it is used the account saves no addresses; then it does", async () => {
		const customer = await register();
		expect(customer.account.emailVerified).toBe(false);
		const [email] = await inboxOf(customer.email);
		expect(email.text).toContain(`${env.APP_URL}/verify-email?token=`);

		const refused = await send("PATCH", "/api/v1/customers/me", { addresses: [HOME] }, auth(customer.accessToken));
		expect(refused.status).toBe(403);
		expect(await errorOf(refused)).toMatchObject({ code: "email_unverified", details: [{ field: "addresses" }] });
		// Everything else in the profile may change meanwhile.
		expect((await send("PATCH", "/api/v1/customers/me", { name: "G" }, auth(customer.accessToken))).status).toBe(200);

		const token = await linkTokenFor(customer.email, "/verify-email");
		const verified = await send("POST", "/api/v1/auth/verify-email", { token });
		expect(verified.status).toBe(200);
		expect(await json(verified)).toEqual({ email: customer.email, emailVerified: true });

		expect(await json(await profile(customer.accessToken))).toMatchObject({ emailVerified: true });
		const saved = await send("PATCH", "/api/v1/customers/me", { addresses: [HOME] }, auth(customer.accessToken));
		expect(saved.status).toBe(200);
		expect(await json(saved)).toMatchObject({ addresses: [HOME] });

		const again = await send("POST", "/api/v1/auth/verify-email", { token });
		expect(again.status).toBe(410);
		expect((await errorOf(again)).code).toBe("link_used");
	});

	it("refuses an expired link with 410 link_expired", async () => {
		const customer = await register();
		const token = await linkTokenFor(customer.email, "/verify-email");
		await env.DB.prepare("UPDATE account_links SET expires_at = ? WHERE email = ?")
			.bind(Date.now() - 1, customer.email)
			.run();
		const expired = await send("POST", "/api/v1/auth/verify-email", { token });
		expect(expired.status).toBe(410);
		expect((await errorOf(expired)).code).toBe("link_expired");
		expect(await json(await profile(customer.accessToken))).toMatchObject({ emailVerified: false });
	});

	it("sends a fresh link on request, and 409 already_verified once verified", async () => {
		const customer = await register();
		expect((await send("POST", "/api/v1/customers/me/verification", undefined)).status).toBe(401);

		const resent = await send("POST", "/api/v1/customers/me/verification", undefined, auth(customer.accessToken));
		expect(resent.status).toBe(202);
		expect(await inboxOf(customer.email)).toHaveLength(2);
		await verifyEmailOf(customer.email);

		const done = await send("POST", "/api/v1/customers/me/verification", undefined, auth(customer.accessToken));
		expect(done.status).toBe(409);
		expect((await errorOf(done)).code).toBe("already_verified");
	});

	it("lets an unverified account check out, with a delivery address typed in as a guest would", async () => {
		const customer = await register();
		const cart = await cartWithFlatWhite();
		const claimed = await send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, auth(customer.accessToken));
		expect(claimed.status).toBe(201);
		const { id } = await json<{ id: string }>(claimed);
		const added = await send(
			"POST",
			`/api/v1/carts/${id}/items`,
			{ itemId: "itm-ldn-flat-white", quantity: 2, options: ["opt-ldn-flat-white-milk-oat"] },
			auth(customer.accessToken),
		);
		expect(added.status).toBe(201);
		const placed = await send(
			"POST",
			`/api/v1/carts/${id}/checkout`,
			{ ...PICKUP_TOMORROW(), fulfilment: "delivery", deliveryAddress: NEARBY_ADDRESS },
			{ ...auth(customer.accessToken), "idempotency-key": crypto.randomUUID() },
		);
		expect(placed.status).toBe(201);
		expect(cart.id).not.toBe(id);
		// The guest's path is untouched too.
		expect((await checkout(cart.id, PICKUP_TOMORROW())).status).toBe(201);
	});

	it("shows in the graph too: me { emailVerified }, and updateMe refuses addresses the same way", async () => {
		const customer = await register();
		const graph = (query: string, variables: Record<string, unknown> = {}) =>
			call("/api/v1/graphql", {
				method: "POST",
				headers: { "content-type": "application/json", ...auth(customer.accessToken) },
				body: JSON.stringify({ query, variables }),
			}).then((response) =>
				json<{ data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] }>(response),
			);
		expect((await graph("{ me { emailVerified } }")).data).toEqual({ me: { emailVerified: false } });
		const refused = await graph("mutation($input: ProfilePatchInput!) { updateMe(input: $input) { id } }", {
			input: { addresses: [HOME] },
		});
		expect(refused.errors?.[0].extensions?.code).toBe("email_unverified");
	});
});

describe("a password change", () => {
	it("ends the account's other sessions; the caller's own keeps working", async () => {
		const customer = await register();
		const elsewhere = await json<Tokens>(await login(customer.email, PASSWORD));

		const changed = await send(
			"POST",
			"/api/v1/customers/me/password",
			{ currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
			auth(customer.accessToken),
		);
		expect(changed.status).toBe(200);

		expect((await profile(elsewhere.accessToken)).status).toBe(401);
		expect((await send("POST", "/api/v1/auth/refresh", { refreshToken: elsewhere.refreshToken })).status).toBe(401);
		expect((await profile(customer.accessToken)).status).toBe(200);
		expect((await send("POST", "/api/v1/auth/refresh", { refreshToken: customer.refreshToken })).status).toBe(200);
	});
});
