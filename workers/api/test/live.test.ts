/**
 * Live tracking: a WebSocket sees confirmed → preparing (ETA) → ready in order,
 * also after its Durable Object was evicted, and its pings are answered without
 * waking the object; reconnecting with `after` gets
 * what was missed; SSE carries the same; the kitchen feed sees new orders.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
	bearer,
	call,
	cartStub,
	cartWithFlatWhite,
	checkout,
	errorOf,
	json,
	PICKUP_TOMORROW,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

interface Message {
	type: string;
	sequence: number;
	event?: string;
	status?: string;
	estimatedReadyAt?: string;
	estimatedReadyAtLocal?: string;
	order?: { status: string; lines?: unknown[] };
}

async function placed() {
	const cart = await cartWithFlatWhite();
	return json<{ orderId: string; trackingToken: string }>(await checkout(cart.id, PICKUP_TOMORROW()));
}

/** Opens a WebSocket through the worker and collects what arrives. */
async function connect(path: string, headers: Record<string, string> = {}) {
	const response = await call(path, { headers: { upgrade: "websocket", ...headers } });
	expect(response.status).toBe(101);
	const socket = response.webSocket;
	if (!socket) throw new Error("no WebSocket in the response");
	const messages: Message[] = [];
	const waiters: (() => void)[] = [];
	socket.addEventListener("message", (event) => {
		messages.push(JSON.parse(event.data as string) as Message);
		for (const wake of waiters.splice(0)) wake();
	});
	socket.accept();
	return {
		socket,
		messages,
		/** Resolves once `count` messages have arrived, or fails after two seconds. */
		async received(count: number): Promise<Message[]> {
			const deadline = Date.now() + 2000;
			while (messages.length < count) {
				if (Date.now() > deadline)
					throw new Error(`got ${messages.length} of ${count} messages: ${JSON.stringify(messages)}`);
				await new Promise<void>((resolve) => {
					waiters.push(resolve);
					setTimeout(resolve, 50);
				});
			}
			return messages.slice(0, count);
		},
	};
}

const move = (orderId: string, body: Record<string, unknown>) =>
	send("POST", `/api/v1/orders/${orderId}/status`, body, STAFF);

describe("an order's WebSocket", () => {
	it("gets the current state, then confirmed → preparing (with ETA) → ready in order", async () => {
		const { orderId, trackingToken } = await placed();
		const live = await connect(`/api/v1/orders/${orderId}/live?token=${trackingToken}`);
		const [snapshot, placedEvent, authorised] = await live.received(3);
		expect(snapshot).toMatchObject({ type: "snapshot", sequence: 2, order: { status: "placed" } });
		// The card order's history: placed awaiting its payment, then placed once the card is authorised.
		expect(placedEvent).toMatchObject({ type: "event", sequence: 1, event: "OrderPlaced", status: "awaiting_payment" });
		expect(authorised).toMatchObject({ type: "event", sequence: 2, event: "PaymentAuthorised", status: "placed" });

		await move(orderId, { status: "confirmed", etaMinutes: 20 });
		await move(orderId, { status: "preparing", etaMinutes: 15 });
		await move(orderId, { status: "ready" });
		const changes = (await live.received(6)).slice(3);
		expect(changes.map((message) => [message.sequence, message.status])).toEqual([
			[3, "confirmed"],
			[4, "preparing"],
			[5, "ready"],
		]);
		expect(changes[1].estimatedReadyAtLocal).toMatch(/^\d{2}:\d{2}$/);
		expect(Date.parse(changes[1].estimatedReadyAt ?? "")).toBeGreaterThan(Date.now() + 14 * 60_000);
		live.socket.close();
	});

	it("keeps receiving after the object was evicted and its socket hibernated", async () => {
		const { orderId, trackingToken } = await placed();
		const live = await connect(`/api/v1/orders/${orderId}/live`, { "x-tracking-token": trackingToken });
		await live.received(3);
		await evictDurableObject(cartStub(orderId));
		await move(orderId, { status: "confirmed", etaMinutes: 10 });
		const [, , , confirmed] = await live.received(4);
		expect(confirmed).toMatchObject({ sequence: 3, status: "confirmed" });
		live.socket.close();
	});

	it("sends only what was missed to a client reconnecting with after", async () => {
		const { orderId, trackingToken } = await placed();
		await move(orderId, { status: "confirmed", etaMinutes: 10 });
		await move(orderId, { status: "preparing" });
		// 1 OrderPlaced, 2 PaymentAuthorised, 3 confirmed: the client saw up to the confirmation.
		const live = await connect(`/api/v1/orders/${orderId}/live?token=${trackingToken}&after=3`);
		const [snapshot, missed] = await live.received(2);
		expect(snapshot).toMatchObject({ type: "snapshot", sequence: 4, order: { status: "preparing" } });
		expect(missed).toMatchObject({ type: "event", sequence: 4, status: "preparing" });
		expect(live.messages).toHaveLength(2);
		live.socket.close();
	});

	it("answers a ping with pong from the runtime, without waking the order's object", async () => {
		const { orderId, trackingToken } = await placed();
		const response = await call(`/api/v1/orders/${orderId}/live?token=${trackingToken}`, {
			headers: { upgrade: "websocket" },
		});
		const socket = response.webSocket;
		if (!socket) throw new Error("no WebSocket in the response");
		const pong = new Promise<unknown>((resolve) => {
			socket.addEventListener("message", (event) => {
				if (event.data === "pong") resolve(event.data);
			});
		});
		socket.accept();
		const object = cartStub(orderId);
		await evictDurableObject(object);

		socket.send("ping");
		expect(await pong).toBe("pong");
		// The runtime records when it auto-answered; a pong sent by the object's own handler leaves this null.
		const answeredAt = await runInDurableObject(object, (_, state) =>
			state.getWebSocketAutoResponseTimestamp(state.getWebSockets()[0]),
		);
		expect(answeredAt).toBeInstanceOf(Date);
		socket.close();
	});

	it("refuses a bad after with 400 before upgrading, and strangers with 404", async () => {
		const { orderId, trackingToken } = await placed();
		const bad = await call(`/api/v1/orders/${orderId}/live?token=${trackingToken}&after=-1`, {
			headers: { upgrade: "websocket" },
		});
		expect(bad.status).toBe(400);
		expect((await errorOf(bad)).details?.[0].field).toBe("after");
		const stranger = await call(`/api/v1/orders/${orderId}/live?token=wrong`, { headers: { upgrade: "websocket" } });
		expect(stranger.status).toBe(404);
		expect((await call(`/api/v1/orders/${orderId}/live`, { headers: { upgrade: "websocket" } })).status).toBe(404);
	});
});

describe("an order's event stream (SSE)", () => {
	it("streams the snapshot and each change as Server-Sent Events", async () => {
		const { orderId, trackingToken } = await placed();
		const response = await call(`/api/v1/orders/${orderId}/live?token=${trackingToken}`, {
			headers: { accept: "text/event-stream" },
		});
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toContain("text/event-stream");
		const reader = response.body?.getReader();
		if (!reader) throw new Error("no body");
		await move(orderId, { status: "confirmed", etaMinutes: 5 });
		let text = "";
		const decoder = new TextDecoder();
		while (!text.includes("id: 3\n")) {
			const { value, done } = await reader.read();
			if (done) break;
			text += decoder.decode(value);
		}
		await reader.cancel();
		expect(text).toContain("event: snapshot");
		expect(text).toMatch(/id: 2\nevent: order-event\ndata: \{[^\n]*"event":"PaymentAuthorised"/);
		expect(text).toMatch(/id: 3\nevent: order-event\ndata: \{[^\n]*"status":"confirmed"/);
	});
});

describe("the kitchen feed", () => {
	it("tells the location's staff about a new order the moment it is placed", async () => {
		const feed = await connect("/api/v1/locations/london-soho/orders/live", await bearer(PRINCIPALS.kitchen));
		await feed.received(1);
		const { orderId } = await placed();
		const [, newOrder] = await feed.received(2);
		expect(newOrder).toMatchObject({
			type: "order",
			orderId,
			event: "OrderPlaced",
			order: { lines: [{ quantity: 2 }] },
		});
		feed.socket.close();
	});

	it("is closed to staff of other locations and to customers", async () => {
		const other = await call("/api/v1/locations/london-soho/orders/live", {
			headers: { upgrade: "websocket", ...(await bearer(PRINCIPALS.otherKitchen)) },
		});
		expect(other.status).toBe(403);
		const customer = await call("/api/v1/locations/london-soho/orders/live", {
			headers: { upgrade: "websocket", ...(await bearer(PRINCIPALS.customer)) },
		});
		expect(customer.status).toBe(403);
	});
});

describe("the order view", () => {
	it("shows the expected ready time on the location's clock", async () => {
		const { orderId } = await placed();
		const confirmed = await json<{ estimatedReadyAt: string; estimatedReadyAtLocal: string; timeZone: string }>(
			await move(orderId, { status: "confirmed", etaMinutes: 30 }),
		);
		const expected = new Intl.DateTimeFormat("en-GB", {
			timeZone: "Europe/London",
			hour: "2-digit",
			minute: "2-digit",
			hourCycle: "h23",
		}).format(new Date(confirmed.estimatedReadyAt));
		expect(confirmed).toMatchObject({ timeZone: "Europe/London", estimatedReadyAtLocal: expected });
	});
});

describe("the kitchen feed from a browser", () => {
	const FEED = "/api/v1/locations/london-soho/orders/live";
	const tokenOf = async (principal: (typeof PRINCIPALS)[keyof typeof PRINCIPALS]) =>
		(await bearer(principal)).authorization.replace(/^Bearer /, "");
	const offering = (token: string) => ({ "sec-websocket-protocol": `goodfood.v1, bearer.${token}` });

	it("accepts the access token as a subprotocol and answers goodfood.v1", async () => {
		const token = await tokenOf(PRINCIPALS.kitchen);
		const feed = await connect(FEED, offering(token));
		const [hello] = await feed.received(1);
		expect(hello).toMatchObject({ type: "hello" });
		const { orderId } = await placed();
		const [, newOrder] = await feed.received(2);
		expect(newOrder).toMatchObject({ type: "order", orderId, event: "OrderPlaced" });
		feed.socket.close();

		const response = await call(FEED, { headers: { upgrade: "websocket", ...offering(token) } });
		expect(response.status).toBe(101);
		expect(response.headers.get("sec-websocket-protocol")).toBe("goodfood.v1");
		response.webSocket?.accept();
		response.webSocket?.close();
	});

	it("refuses a forged or foreign token with 401 or 403 before upgrading, and never reads one from the query", async () => {
		const [header, payload, signature] = (await tokenOf(PRINCIPALS.customer)).split(".");
		const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
		const promoted = btoa(JSON.stringify({ ...claims, role: "admin" }))
			.replace(/\+/g, "-")
			.replace(/\//g, "_")
			.replace(/=+$/, "");
		const forged = await call(FEED, {
			headers: { upgrade: "websocket", ...offering(`${header}.${promoted}.${signature}`) },
		});
		expect(forged.status).toBe(401);
		expect(forged.webSocket).toBeNull();
		// Refused as a bad token (not merely as an anonymous caller): the subprotocol was read and checked.
		expect(await errorOf(forged)).toMatchObject({
			code: "unauthorized",
			message: expect.stringMatching(/invalid or expired/),
		});

		const garbage = await call(FEED, { headers: { upgrade: "websocket", ...offering("not-a-jwt") } });
		expect(garbage.status).toBe(401);

		const customer = await call(FEED, {
			headers: { upgrade: "websocket", ...offering(await tokenOf(PRINCIPALS.customer)) },
		});
		expect(customer.status).toBe(403);

		const kitchen = await tokenOf(PRINCIPALS.kitchen);
		const withoutProtocol = await call(FEED, {
			headers: { upgrade: "websocket", "sec-websocket-protocol": `bearer.${kitchen}` },
		});
		expect(withoutProtocol.status).toBe(400);

		for (const name of ["token", "access_token"]) {
			const queried = await call(`${FEED}?${name}=${kitchen}`, { headers: { upgrade: "websocket" } });
			expect(queried.status).toBe(401);
		}
	});
});
