/**
 * Resuming an SSE stream: Last-Event-ID is checked like `?after=`, so a
 * garbled one is refused in the error envelope instead of streaming nothing.
 */
import { describe, expect, it } from "vitest";
import { call, cartWithFlatWhite, checkout, errorOf, json, PICKUP_TOMORROW, STAFF, send } from "./helpers";

async function placed() {
	const cart = await cartWithFlatWhite();
	return json<{ orderId: string; trackingToken: string }>(await checkout(cart.id, PICKUP_TOMORROW()));
}

function follow(orderId: string, token: string, lastEventId: string) {
	return call(`/api/v1/orders/${orderId}/live?token=${token}`, {
		headers: { accept: "text/event-stream", "last-event-id": lastEventId },
	});
}

describe("resuming an SSE stream with Last-Event-ID", () => {
	it.each(["abc", "-1", "1.5"])("refuses Last-Event-ID %j with 400 in the envelope, before streaming", async (bad) => {
		const { orderId, trackingToken } = await placed();
		const response = await follow(orderId, trackingToken, bad);
		expect(response.status).toBe(400);
		expect(response.headers.get("content-type")).toContain("application/json");
		expect(await errorOf(response)).toMatchObject({
			code: "validation_failed",
			details: [{ field: "last-event-id" }],
		});
	});

	it("sends only the events after a valid Last-Event-ID", async () => {
		const { orderId, trackingToken } = await placed();
		await send("POST", `/api/v1/orders/${orderId}/status`, { status: "confirmed", etaMinutes: 5 }, STAFF);
		const response = await follow(orderId, trackingToken, "1");
		expect(response.status).toBe(200);
		const reader = response.body?.getReader();
		if (!reader) throw new Error("no body");
		let text = "";
		const decoder = new TextDecoder();
		while (!text.includes("id: 3\nevent: order-event")) {
			const { value, done } = await reader.read();
			if (done) break;
			text += decoder.decode(value);
		}
		await reader.cancel();
		// After event 1 (OrderPlaced): the PaymentAuthorised published with it, then the confirmation.
		expect(text).toMatch(/id: 2\nevent: order-event\ndata: \{[^\n]*"event":"PaymentAuthorised"[^\n]*"status":"placed"/);
		expect(text).toMatch(/id: 3\nevent: order-event\ndata: \{[^\n]*"status":"confirmed"/);
		// The snapshot carries the order as of event 3; event 1 (OrderPlaced) is not sent again.
		expect(text).toMatch(/^id: 3\nevent: snapshot$/m);
		expect(text).not.toMatch(/^id: 1$/m);
	});
});
