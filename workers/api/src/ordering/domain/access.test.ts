/** Who may reach an order (its location's staff, its customer, its tracking link) and what of the person they see. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "@goodfood/platform/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorOf, mayAccess, type OrderOwnership, seesContact, trackingTokenFor, visiblePayload } from "./access";
import { owner, placedPayload, sohoStaff, tracking } from "./fixtures";

const SECRET = "tracking-secret-0123456789abcdef";
const ORDER_ID = "ord_0123456789abcdef";
/** A random token of an order placed before tokens were derived, kept as its hash. */
const OLD_TOKEN = "trk_0123456789abcdef";

function ownership(overrides: Partial<OrderOwnership> = {}): OrderOwnership {
	return {
		orderId: ORDER_ID,
		locationSlug: "london-soho",
		customerId: "cus_ada",
		trackingTokenHash: null,
		...overrides,
	};
}

const byToken = (token: string) => ({ kind: "tracking", token }) as const;

// Tokens are compared with the Workers runtime's crypto.subtle.timingSafeEqual, which Node's Web Crypto lacks: Node's own stands in.
const standIn = !("timingSafeEqual" in crypto.subtle);
beforeAll(() => {
	if (standIn) Object.defineProperty(crypto.subtle, "timingSafeEqual", { value: timingSafeEqual, configurable: true });
});
afterAll(() => {
	if (standIn) Reflect.deleteProperty(crypto.subtle, "timingSafeEqual");
});

describe("trackingTokenFor", () => {
	it("is the HMAC-SHA-256 of the order id under the secret, as base64url", async () => {
		const expected = createHmac("sha256", SECRET).update(ORDER_ID).digest("base64url");

		expect(await trackingTokenFor(ORDER_ID, SECRET)).toBe(expected);
	});

	it("gives each order its own token, and another secret other tokens", async () => {
		const token = await trackingTokenFor(ORDER_ID, SECRET);

		expect(await trackingTokenFor("ord_fedcba9876543210", SECRET)).not.toBe(token);
		expect(await trackingTokenFor(ORDER_ID, `${SECRET}-rotated`)).not.toBe(token);
	});

	it("refuses to derive a token without a secret", async () => {
		await expect(trackingTokenFor(ORDER_ID, "")).rejects.toThrow(/key is required/);
	});
});

describe("mayAccess", () => {
	it("lets staff of the order's location in, and staff of every location", async () => {
		const order = ownership();

		expect(await mayAccess(sohoStaff, order, SECRET)).toBe(true);
		expect(await mayAccess({ kind: "staff", locations: ["manchester-centre", "london-soho"] }, order, SECRET)).toBe(
			true,
		);
		expect(await mayAccess({ kind: "staff", locations: "all" }, order, SECRET)).toBe(true);
	});

	it("keeps staff of other locations out", async () => {
		const order = ownership();

		expect(await mayAccess({ kind: "staff", locations: ["manchester-centre"] }, order, SECRET)).toBe(false);
		expect(await mayAccess({ kind: "staff", locations: [] }, order, SECRET)).toBe(false);
	});

	it("lets the customer who placed the order in, and no other customer", async () => {
		const order = ownership();

		expect(await mayAccess(owner, order, SECRET)).toBe(true);
		expect(await mayAccess({ kind: "customer", customerId: "cus_grace" }, order, SECRET)).toBe(false);
	});

	it("keeps every customer account out of a guest's order", async () => {
		expect(await mayAccess(owner, ownership({ customerId: null }), SECRET)).toBe(false);
	});

	it("lets in the order's derived tracking token, and not another order's or another secret's", async () => {
		const order = ownership();

		expect(await mayAccess(byToken(await trackingTokenFor(ORDER_ID, SECRET)), order, SECRET)).toBe(true);
		expect(await mayAccess(byToken(await trackingTokenFor("ord_fedcba9876543210", SECRET)), order, SECRET)).toBe(false);
		expect(await mayAccess(byToken(await trackingTokenFor(ORDER_ID, "another-secret")), order, SECRET)).toBe(false);
		expect(await mayAccess(byToken(OLD_TOKEN), order, SECRET)).toBe(false);
	});

	it("still lets in an older order's random token by its stored hash, and its derived token too", async () => {
		const order = ownership({ trackingTokenHash: await sha256Hex(OLD_TOKEN) });

		expect(await mayAccess(byToken(OLD_TOKEN), order, SECRET)).toBe(true);
		expect(await mayAccess(byToken(await trackingTokenFor(ORDER_ID, SECRET)), order, SECRET)).toBe(true);
		expect(await mayAccess(byToken("trk_fedcba9876543210"), order, SECRET)).toBe(false);
	});

	it("does not take the stored hash itself for the token", async () => {
		const order = ownership({ trackingTokenHash: await sha256Hex(OLD_TOKEN) });

		expect(await mayAccess(byToken(order.trackingTokenHash ?? ""), order, SECRET)).toBe(false);
	});
});

describe("seesContact", () => {
	it("shows contact details to staff and the customer, not to a tracking link", () => {
		expect(seesContact(sohoStaff)).toBe(true);
		expect(seesContact(owner)).toBe(true);
		expect(seesContact(tracking)).toBe(false);
	});
});

describe("actorOf", () => {
	it("follows staff rules only for staff; the customer and a tracking link follow the customer's", () => {
		expect(actorOf(sohoStaff)).toBe("staff");
		expect(actorOf(owner)).toBe("customer");
		expect(actorOf(tracking)).toBe("customer");
	});
});

describe("visiblePayload", () => {
	it("shows the whole payload with full access", () => {
		expect(visiblePayload(placedPayload, true)).toEqual(placedPayload);
	});

	it("hides the email, phone and account without full access, and keeps the rest", () => {
		const shown = visiblePayload(placedPayload, false);

		expect(shown.contact).toEqual({ name: "Ada Lovelace" });
		expect(shown).not.toHaveProperty("customerId");
		expect(JSON.stringify(shown)).not.toMatch(/ada@example\.com|7946|cus_ada/);
		expect(shown).toMatchObject({ lines: placedPayload.lines, totals: placedPayload.totals });
	});

	it("leaves a payload without a contact as it is", () => {
		const confirmed = { estimatedReadyAt: "2026-07-01T12:20:00.000Z" };

		expect(visiblePayload(confirmed, false)).toEqual(confirmed);
	});
});
