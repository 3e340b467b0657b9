/** Who may reach an order (its location's staff, its customer, its tracking link) and what of the person they see. */
import { timingSafeEqual } from "node:crypto";
import { sha256Hex } from "@goodfood/platform/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorOf, mayAccess, type OrderOwnership, seesContact, visiblePayload } from "./access";
import { owner, placedPayload, sohoStaff, tracking } from "./fixtures";

const TOKEN = "trk_0123456789abcdef";

async function ownership(overrides: Partial<OrderOwnership> = {}): Promise<OrderOwnership> {
	return {
		locationSlug: "london-soho",
		customerId: "cus_ada",
		trackingTokenHash: await sha256Hex(TOKEN),
		...overrides,
	};
}

// Token hashes are compared with the Workers runtime's crypto.subtle.timingSafeEqual, which Node's Web Crypto lacks: Node's own stands in.
const standIn = !("timingSafeEqual" in crypto.subtle);
beforeAll(() => {
	if (standIn) Object.defineProperty(crypto.subtle, "timingSafeEqual", { value: timingSafeEqual, configurable: true });
});
afterAll(() => {
	if (standIn) Reflect.deleteProperty(crypto.subtle, "timingSafeEqual");
});

describe("mayAccess", () => {
	it("lets staff of the order's location in, and staff of every location", async () => {
		const order = await ownership();

		expect(await mayAccess(sohoStaff, order)).toBe(true);
		expect(await mayAccess({ kind: "staff", locations: ["manchester-centre", "london-soho"] }, order)).toBe(true);
		expect(await mayAccess({ kind: "staff", locations: "all" }, order)).toBe(true);
	});

	it("keeps staff of other locations out", async () => {
		const order = await ownership();

		expect(await mayAccess({ kind: "staff", locations: ["manchester-centre"] }, order)).toBe(false);
		expect(await mayAccess({ kind: "staff", locations: [] }, order)).toBe(false);
	});

	it("lets the customer who placed the order in, and no other customer", async () => {
		const order = await ownership();

		expect(await mayAccess(owner, order)).toBe(true);
		expect(await mayAccess({ kind: "customer", customerId: "cus_grace" }, order)).toBe(false);
	});

	it("keeps every customer account out of a guest's order", async () => {
		expect(await mayAccess(owner, await ownership({ customerId: null }))).toBe(false);
	});

	it("lets in the tracking token whose hash is stored, and no other", async () => {
		const order = await ownership();

		expect(await mayAccess({ kind: "tracking", token: TOKEN }, order)).toBe(true);
		expect(await mayAccess({ kind: "tracking", token: "trk_fedcba9876543210" }, order)).toBe(false);
	});

	it("does not take the stored hash itself for the token", async () => {
		const order = await ownership();

		expect(await mayAccess({ kind: "tracking", token: order.trackingTokenHash ?? "" }, order)).toBe(false);
	});

	it("lets no tracking token in when the order has no stored hash", async () => {
		expect(await mayAccess({ kind: "tracking", token: TOKEN }, await ownership({ trackingTokenHash: null }))).toBe(
			false,
		);
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
