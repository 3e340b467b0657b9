/**
 * The account's preferred language: kept on the profile (GET and PATCH
 * /customers/me, registration), checked against the languages menus are
 * offered in, and carried by the access tokens issued from then on (sign-in,
 * refresh, registration) as the `lng` claim the menu edge and search read.
 */
import { languageOfBearer } from "@goodfood/platform/access-token";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { call, errorOf, json, send } from "./helpers";

interface Tokens {
	accessToken: string;
	refreshToken: string;
	account?: { id: string; language: string | null };
}

let ipCounter = 0;
/** Each sign-in from its own address, so the sign-in rate limit of one test does not touch another. */
function fromNewIp() {
	ipCounter += 1;
	return { "cf-connecting-ip": `203.0.113.${ipCounter}` };
}

const PASSWORD = "correct horse 42";

async function register(extra: Record<string, unknown> = {}) {
	const email = `${crypto.randomUUID()}@example.com`;
	const response = await send(
		"POST",
		"/api/v1/auth/register",
		{ email, password: PASSWORD, name: "Hana", ...extra },
		fromNewIp(),
	);
	expect(response.status).toBe(201);
	return { email, ...(await json<Tokens>(response)) };
}

async function signIn(email: string): Promise<Tokens> {
	const response = await send("POST", "/api/v1/auth/login", { email, password: PASSWORD }, fromNewIp());
	expect(response.status).toBe(200);
	return json<Tokens>(response);
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function patchLanguage(token: string, language: unknown): Promise<Response> {
	return send("PATCH", "/api/v1/customers/me", { language }, auth(token));
}

async function profileLanguage(token: string): Promise<string | null> {
	return (await json<{ language: string | null }>(await call("/api/v1/customers/me", { headers: auth(token) })))
		.language;
}

describe("the preferred language on the profile", () => {
	it("is null for a new account, and a PATCH sets it for GET /customers/me", async () => {
		const { accessToken } = await register();
		expect(await profileLanguage(accessToken)).toBeNull();

		const patched = await patchLanguage(accessToken, "ja");
		expect(patched.status).toBe(200);
		expect(await json<{ language: string }>(patched)).toMatchObject({ language: "ja" });
		expect(await profileLanguage(accessToken)).toBe("ja");
	});

	it("is cleared by null, and left alone by a PATCH that does not name it", async () => {
		const { accessToken } = await register();
		await patchLanguage(accessToken, "es");
		expect((await send("PATCH", "/api/v1/customers/me", { name: "Hana K" }, auth(accessToken))).status).toBe(200);
		expect(await profileLanguage(accessToken)).toBe("es");

		expect((await patchLanguage(accessToken, null)).status).toBe(200);
		expect(await profileLanguage(accessToken)).toBeNull();
	});

	it("refuses a language menus are not offered in with 400 naming language, and keeps the old one", async () => {
		const { accessToken } = await register();
		await patchLanguage(accessToken, "ja");
		for (const language of ["fr", "JA", "ja-JP", "", 42]) {
			const response = await patchLanguage(accessToken, language);
			expect(response.status, String(language)).toBe(400);
			const error = await errorOf(response);
			expect(error.code).toBe("validation_failed");
			expect(error.details?.map((detail) => detail.field)).toEqual(["language"]);
		}
		expect(await profileLanguage(accessToken)).toBe("ja");
	});

	it("may be chosen at registration, whose token carries it at once", async () => {
		const { accessToken, account } = await register({ language: "ja" });
		expect(account?.language).toBe("ja");
		expect(decodeJwt(accessToken).lng).toBe("ja");
		const refused = await send("POST", "/api/v1/auth/register", {
			email: `${crypto.randomUUID()}@example.com`,
			password: PASSWORD,
			name: "Hana",
			language: "klingon",
		});
		expect(refused.status).toBe(400);
		expect((await errorOf(refused)).details?.map((detail) => detail.field)).toEqual(["language"]);
	});
});

describe("access tokens carry it", () => {
	it("names the language in the lng claim of a fresh sign-in's token, as languageOfBearer reads it", async () => {
		const { email, accessToken } = await register();
		expect(decodeJwt(accessToken).lng).toBeUndefined();

		await patchLanguage(accessToken, "ja");
		const { accessToken: fresh } = await signIn(email);
		expect(decodeJwt(fresh).lng).toBe("ja");
		expect(languageOfBearer(`Bearer ${fresh}`)).toBe("ja");
	});

	it("names the changed language in the token a refresh issues", async () => {
		const { accessToken, refreshToken } = await register({ language: "es" });
		await patchLanguage(accessToken, "ja");
		const refreshed = await json<Tokens>(await send("POST", "/api/v1/auth/refresh", { refreshToken }));
		expect(decodeJwt(refreshed.accessToken).lng).toBe("ja");
	});

	it("names no language once the preference is cleared", async () => {
		const { email, accessToken } = await register({ language: "ja" });
		await patchLanguage(accessToken, null);
		expect(decodeJwt((await signIn(email)).accessToken).lng).toBeUndefined();
	});
});
