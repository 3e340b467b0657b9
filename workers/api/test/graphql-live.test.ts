/**
 * GraphQL subscriptions over Server-Sent Events: an order's updates follow the
 * status changes staff make through REST, strangers are refused with REST's
 * code and no data, and the kitchen's subscription sees new orders for staff only.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
	bearer,
	call,
	cartStub,
	cartWithFlatWhite,
	checkout,
	json,
	PICKUP_TOMORROW,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

interface GraphResult {
	data?: Record<string, Record<string, unknown>> | null;
	errors?: { message: string; extensions?: { code?: string; details?: { field: string }[] } }[];
}

interface SseEvent {
	event: string;
	data: string;
}

const ORDER_UPDATED = /* GraphQL */ `
	subscription ($orderId: ID!, $token: String, $after: Int) {
		orderUpdated(orderId: $orderId, token: $token, after: $after) {
			orderId
			sequence
			event
			status
			occurredAt
			estimatedReadyAt
			estimatedReadyAtLocal
			order {
				status
				contact {
					name
					email
				}
			}
		}
	}
`;

const KITCHEN_ORDERS = /* GraphQL */ `
	subscription ($location: ID!) {
		kitchenOrders(location: $location) {
			orderId
			event
			status
			ticket {
				fulfilment
				contactName
				lines {
					name
					quantity
				}
			}
		}
	}
`;

/** Opens a subscription as an SSE client does (POST, Accept: text/event-stream) and reads its frames as they come. */
async function subscribe(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
	return streamOf(
		await call("/api/v1/graphql", {
			method: "POST",
			headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
			body: JSON.stringify({ query, variables }),
		}),
	);
}

/** A text/event-stream response's `event:` frames, one at a time. */
function streamOf(response: Response) {
	expect(response.headers.get("content-type")).toContain("text/event-stream");
	if (!response.body) throw new Error("no body");
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let buffered = "";
	const queued: SseEvent[] = [];

	/** The next event frame (keep-alive comments skipped), or null once the stream ends. */
	async function nextEvent(): Promise<SseEvent | null> {
		while (queued.length === 0) {
			const frameEnd = buffered.indexOf("\n\n");
			if (frameEnd >= 0) {
				const frame = buffered.slice(0, frameEnd);
				buffered = buffered.slice(frameEnd + 2);
				const lines = frame.split("\n").filter((line) => !line.startsWith(":"));
				const event = lines
					.find((line) => line.startsWith("event:"))
					?.slice(6)
					.trim();
				const data = lines
					.filter((line) => line.startsWith("data:"))
					.map((line) => line.slice(5).trim())
					.join("\n");
				if (event) queued.push({ event, data });
				continue;
			}
			const { value, done } = await reader.read();
			if (done) return null;
			buffered += decoder.decode(value, { stream: true });
		}
		return queued.shift() ?? null;
	}

	return {
		response,
		/** The next result, failing after two seconds without one. */
		async next(): Promise<GraphResult> {
			const event = await Promise.race([
				nextEvent(),
				new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event within 2 s")), 2000)),
			]);
			if (!event) throw new Error("the stream ended");
			expect(event.event).toBe("next");
			return JSON.parse(event.data) as GraphResult;
		},
		nextEvent,
		close: () => reader.cancel(),
	};
}

async function placed() {
	const cart = await cartWithFlatWhite();
	return json<{ orderId: string; trackingToken: string }>(await checkout(cart.id, PICKUP_TOMORROW()));
}

const move = (orderId: string, body: Record<string, unknown>) =>
	send("POST", `/api/v1/orders/${orderId}/status`, body, STAFF);

describe("orderUpdated over Server-Sent Events", () => {
	it("gives the order as it stands, then each status change staff make through REST", async () => {
		const { orderId, trackingToken } = await placed();
		const live = await subscribe(ORDER_UPDATED, { orderId, token: trackingToken });
		expect(live.response.status).toBe(200);

		const first = await live.next();
		expect(first.errors).toBeUndefined();
		// Sequence 2: the card's PaymentAuthorised follows the OrderPlaced in the checkout.
		expect(first.data?.orderUpdated).toMatchObject({ orderId, sequence: 2, event: null, status: "PLACED" });
		// The order as a tracking link shows it: a name, no e-mail.
		expect(first.data?.orderUpdated.order).toEqual({
			status: "PLACED",
			contact: { name: "Ada Lovelace", email: null },
		});

		expect((await move(orderId, { status: "confirmed", etaMinutes: 20 })).status).toBe(200);
		const confirmed = (await live.next()).data?.orderUpdated;
		expect(confirmed).toMatchObject({ orderId, sequence: 3, event: "OrderConfirmed", status: "CONFIRMED" });
		expect(Date.parse(String(confirmed?.estimatedReadyAt))).toBeGreaterThan(Date.now() + 19 * 60_000);
		expect(confirmed?.estimatedReadyAtLocal).toMatch(/^\d{2}:\d{2}$/);
		expect(confirmed?.order).toMatchObject({ status: "CONFIRMED", contact: { email: null } });

		await move(orderId, { status: "preparing" });
		expect((await live.next()).data?.orderUpdated).toMatchObject({ sequence: 4, status: "PREPARING" });
		await live.close();
	});

	it("reads a later update's order, events included, with the subscriber's own access", async () => {
		const { orderId, trackingToken } = await placed();
		const live = await subscribe(
			/* GraphQL */ `
				subscription ($orderId: ID!, $token: String) {
					orderUpdated(orderId: $orderId, token: $token) {
						sequence
						order {
							events {
								type
							}
						}
					}
				}
			`,
			{ orderId, token: trackingToken },
		);
		const eventTypes = (update: unknown) =>
			(update as { order: { events: { type: string }[] } }).order.events.map((event) => event.type);
		expect(eventTypes((await live.next()).data?.orderUpdated)).toEqual(["OrderPlaced", "PaymentAuthorised"]);
		await move(orderId, { status: "confirmed", etaMinutes: 15 });
		const confirmed = (await live.next()).data?.orderUpdated;
		expect(confirmed?.sequence).toBe(3);
		expect(eventTypes(confirmed)).toEqual(["OrderPlaced", "PaymentAuthorised", "OrderConfirmed"]);
		await live.close();
	});

	it("lets staff follow an order without its token, and resumes after a sequence number", async () => {
		const { orderId } = await placed();
		await move(orderId, { status: "confirmed", etaMinutes: 10 });
		await move(orderId, { status: "preparing" });
		// The state as it stands first, then the changes after sequence 2 (the card's authorisation) that a reconnecting client missed.
		const live = await subscribe(ORDER_UPDATED, { orderId, after: 2 }, STAFF);
		expect((await live.next()).data?.orderUpdated).toMatchObject({
			sequence: 4,
			event: null,
			status: "PREPARING",
			order: { contact: { email: "ada@example.com" } },
		});
		expect((await live.next()).data?.orderUpdated).toMatchObject({ sequence: 3, event: "OrderConfirmed" });
		expect((await live.next()).data?.orderUpdated).toMatchObject({ sequence: 4, event: "OrderPreparationStarted" });
		await live.close();
	});

	it("can be followed with a GET, as a browser's EventSource sends it", async () => {
		const { orderId, trackingToken } = await placed();
		const query = new URLSearchParams({
			query: ORDER_UPDATED,
			variables: JSON.stringify({ orderId, token: trackingToken }),
		});
		const live = streamOf(await call(`/api/v1/graphql?${query}`, { headers: { accept: "text/event-stream" } }));
		expect(live.response.status).toBe(200);
		expect((await live.next()).data?.orderUpdated).toMatchObject({ orderId, status: "PLACED" });
		await live.close();
	});

	it("closes its socket at the order's object when the subscriber goes away", async () => {
		const { orderId, trackingToken } = await placed();
		const openSockets = () => runInDurableObject(cartStub(orderId), (_, state) => state.getWebSockets().length);
		const live = await subscribe(ORDER_UPDATED, { orderId, token: trackingToken });
		await live.next();
		expect(await openSockets()).toBe(1);

		await live.close();
		const deadline = Date.now() + 2000;
		while ((await openSockets()) > 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
		expect(await openSockets()).toBe(0);
	});

	it("refuses a wrong tracking token with not_found and no data, as REST does", async () => {
		const { orderId } = await placed();
		for (const headers of [{}, await bearer(PRINCIPALS.customer), await bearer(PRINCIPALS.otherKitchen)]) {
			const live = await subscribe(ORDER_UPDATED, { orderId, token: "wrong" }, headers);
			const refused = await live.next();
			expect(refused.data ?? null).toBeNull();
			expect(refused.errors?.[0].extensions?.code).toBe("not_found");
			expect((await live.nextEvent())?.event).toBe("complete");
			expect(await live.nextEvent()).toBeNull();
		}
	});

	it("names the field of a malformed order id or a negative after", async () => {
		const badId = await subscribe(ORDER_UPDATED, { orderId: "ord_nope", token: "x" });
		const refusedId = await badId.next();
		expect(refusedId.errors?.[0].extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "orderId" }],
		});
		const { orderId, trackingToken } = await placed();
		const badAfter = await subscribe(ORDER_UPDATED, { orderId, token: trackingToken, after: -1 });
		expect((await badAfter.next()).errors?.[0].extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "after" }],
		});
	});
});

describe("kitchenOrders over Server-Sent Events", () => {
	it("tells the location's staff about an order the moment it is placed, with what to cook", async () => {
		const board = await subscribe(KITCHEN_ORDERS, { location: "london-soho" }, await bearer(PRINCIPALS.kitchen));
		expect(board.response.status).toBe(200);
		// Yoga answers once the subscription's source is open, so an order placed now reaches it.
		const { orderId } = await placed();
		const update = await board.next();
		expect(update.errors).toBeUndefined();
		expect(update.data?.kitchenOrders).toMatchObject({
			orderId,
			event: "OrderPlaced",
			status: "PLACED",
			ticket: { fulfilment: "PICKUP", contactName: "Ada Lovelace", lines: [{ quantity: 2 }] },
		});

		await move(orderId, { status: "confirmed", etaMinutes: 15 });
		expect((await board.next()).data?.kitchenOrders).toMatchObject({ orderId, status: "CONFIRMED", ticket: null });
		await board.close();
	});

	it("is refused to customers, to staff of other locations and to nobody signed in", async () => {
		for (const [headers, code] of [
			[await bearer(PRINCIPALS.customer), "forbidden"],
			[await bearer(PRINCIPALS.otherKitchen), "forbidden"],
			[{}, "unauthorized"],
		] as const) {
			const board = await subscribe(KITCHEN_ORDERS, { location: "london-soho" }, headers);
			const refused = await board.next();
			expect(refused.data ?? null).toBeNull();
			expect(refused.errors?.[0].extensions?.code).toBe(code);
			expect((await board.nextEvent())?.event).toBe("complete");
		}
	});
});
