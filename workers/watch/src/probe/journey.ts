/**
 * The probe's order, through the public front door only, as a guest and the
 * location's kitchen would place and move it: menu, cart, line, checkout
 * (pickup, paid at pickup), sign-in, the kitchen board, confirm, prepare,
 * ready, the guest's tracking until it reads ready, and the hand-over that
 * closes the order. Each step is one call of `step`, which times it.
 */
import type { ProbeFixture } from "./provision";

/** Runs one named step and times it; a step that throws fails the run. */
export type StepRunner = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/** The service binding to the environment's menu-edge (or, in tests, anything that answers like it). */
export type FrontDoor = { fetch(request: Request): Promise<Response> };

export interface JourneyOptions {
	/** How long to wait between two reads of the board or the tracking. */
	pollIntervalMs: number;
	/** How long the board may take to show the order, and the tracking to read ready. */
	followDeadlineMs: number;
}

export const STEPS = [
	"menu",
	"cart",
	"add_item",
	"checkout",
	"sign_in",
	"kitchen_board",
	"confirm",
	"prepare",
	"ready",
	"tracking",
	"hand_over",
] as const;
export type JourneyStep = (typeof STEPS)[number];

/** The front door's host does not matter to a service binding; this one names the caller in logs. */
const BASE = "https://synthetic-probe.goodfood.internal";
/** The ETA the probe's kitchen promises when it confirms. */
const PROBE_ETA_MINUTES = 5;

/** A front-door answer the probe did not expect, naming the call and what came back. */
export class FrontDoorError extends Error {
	constructor(
		readonly call: string,
		readonly status: number,
		body: string,
	) {
		super(`${call} answered ${status}: ${body.slice(0, 300)}`);
		this.name = "FrontDoorError";
	}
}

function client(door: FrontDoor) {
	return async function call<T>(
		method: string,
		path: string,
		options: { body?: unknown; headers?: Record<string, string>; expect?: number } = {},
	): Promise<T> {
		const headers: Record<string, string> = { "user-agent": "goodfood-synthetic-probe", ...options.headers };
		if (options.body !== undefined) headers["content-type"] = "application/json";
		const response = await door.fetch(
			new Request(`${BASE}${path}`, {
				method,
				headers,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
			}),
		);
		const text = await response.text();
		if (response.status !== (options.expect ?? 200))
			throw new FrontDoorError(`${method} ${path}`, response.status, text);
		return JSON.parse(text) as T;
	};
}

/** Reads until `done` holds, every `intervalMs`, and gives up at the deadline with what it last read. */
async function pollUntil<T>(
	read: () => Promise<T>,
	done: (value: T) => boolean,
	what: string,
	options: JourneyOptions,
): Promise<T> {
	const deadline = Date.now() + options.followDeadlineMs;
	for (;;) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() + options.pollIntervalMs > deadline) {
			throw new Error(`${what} not seen within ${options.followDeadlineMs} ms`);
		}
		await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
	}
}

interface MenuBody {
	categories: { items: { id: string; availableNow: boolean }[] }[];
}

/** Places the probe's order and follows it to ready; calls `placed` with the order id as soon as there is one. */
export async function placeAndFollow(
	door: FrontDoor,
	fixture: ProbeFixture,
	step: StepRunner,
	options: JourneyOptions,
	placed: (orderId: string) => void,
): Promise<void> {
	const call = client(door);
	const slug = encodeURIComponent(fixture.location);

	const itemId = await step("menu", async () => {
		// The edge serves this from its menu caches as it serves the storefront's /menu?location=; the api answers it too.
		const menu = await call<MenuBody>("GET", `/api/menu/${slug}`);
		const item = menu.categories.flatMap((category) => category.items).find((found) => found.id === fixture.itemId);
		if (!item?.availableNow) throw new Error(`the menu does not offer ${fixture.itemId} now`);
		return item.id;
	});
	const cartId = await step("cart", async () => {
		const cart = await call<{ id: string }>("POST", "/api/v1/carts", {
			body: { locationSlug: fixture.location },
			expect: 201,
		});
		return cart.id;
	});
	await step("add_item", () =>
		call("POST", `/api/v1/carts/${cartId}/items`, { body: { itemId, quantity: 1 }, expect: 201 }),
	);
	const order = await step("checkout", async () => {
		const answer = await call<{ orderId: string; trackingToken: string }>("POST", `/api/v1/carts/${cartId}/checkout`, {
			headers: { "idempotency-key": crypto.randomUUID() },
			body: {
				fulfilment: "pickup",
				// A guest's order: no account, so no order e-mails go out.
				contact: { name: "GoodFood synthetic probe", email: fixture.email, phone: "+44 20 7946 0000" },
				requestedTime: "asap",
				payment: { method: "pay_at_pickup" },
			},
			expect: 201,
		});
		placed(answer.orderId);
		return answer;
	});
	const session = await step("sign_in", () =>
		call<{ accessToken: string; refreshToken: string }>("POST", "/api/v1/auth/login", {
			body: { email: fixture.email, password: fixture.password },
		}),
	);
	try {
		await followAsKitchen({ authorization: `Bearer ${session.accessToken}` });
	} finally {
		// Every run signs in: signing out again keeps a day's 288 runs from leaving 288 live sessions behind.
		// Not a step: a failed sign-out says nothing about ordering, and the session expires anyway.
		await call("POST", "/api/v1/auth/logout", { body: { refreshToken: session.refreshToken }, expect: 204 }).catch(
			() => undefined,
		);
	}

	async function followAsKitchen(kitchen: Record<string, string>): Promise<void> {
		await step("kitchen_board", () =>
			pollUntil(
				() => call<{ orders: { id: string }[] }>("GET", `/api/v1/locations/${slug}/orders`, { headers: kitchen }),
				(board) => board.orders.some((found) => found.id === order.orderId),
				`order ${order.orderId} on the kitchen board`,
				options,
			),
		);
		const move = (body: Record<string, unknown>) =>
			call("POST", `/api/v1/orders/${order.orderId}/status`, { headers: kitchen, body });
		await step("confirm", () => move({ status: "confirmed", etaMinutes: PROBE_ETA_MINUTES }));
		await step("prepare", () => move({ status: "preparing" }));
		await step("ready", () => move({ status: "ready" }));
		await step("tracking", () =>
			pollUntil(
				() =>
					call<{ status: string }>("GET", `/api/v1/orders/${order.orderId}`, {
						headers: { "x-tracking-token": order.trackingToken },
					}),
				(tracked) => tracked.status === "ready",
				`order ${order.orderId} ready on its tracking`,
				options,
			),
		);
		// Picked up, so the probe's board does not fill with orders left at ready.
		await step("hand_over", () => move({ status: "picked_up" }));
	}
}
