/**
 * The Cart Durable Object: one per cart, holding the cart and then the order
 * it becomes. The order is event-sourced: its state is folded from its event
 * stream, and every event is stored with an outbox row in one transaction; the
 * alarm drains the outbox to the order-events queue with backoff.
 *
 * Public methods are the RPC API. They return `Outcome`s rather than throwing
 * for refusals, because only plain data crosses RPC intact. Each takes, last,
 * the caller's `CallContext` (trace and request id): the call is a span of the
 * request's trace, and the events it records carry that span to the queue.
 */
import { DurableObject } from "cloudflare:workers";
import { matchesHash, randomHex, sha256Hex } from "@goodfood/platform/crypto";
import { errorText, spanLogger } from "@goodfood/platform/log";
import { type CallSpan, tracedCall } from "@goodfood/platform/rpc-span";
import { type Outcome, type RuleViolation, RuleViolationError, violation } from "@goodfood/platform/rule-violation";
import { type CallContext, continueTrace, formatTraceparent, type TraceContext } from "@goodfood/platform/trace";
import { loadCartItems, loadLocation } from "../../workers/api/src/cart/catalogue";
import { checkFulfilment, checkOrderable, resolveFulfilmentTime } from "../../workers/api/src/cart/domain/checkout";
import {
	type CatalogueItem,
	type ChosenOption,
	MAX_QUANTITY,
	priceLine,
} from "../../workers/api/src/cart/domain/pricing";
import { computeTotals, type Totals } from "../../workers/api/src/cart/domain/totals";
import { newTrackingToken } from "../../workers/api/src/cart/identity";
import type {
	AddLineInput,
	CartView,
	CheckoutInput,
	OneShotOrderInput,
	PlacedOrderView,
	UpdateLineInput,
} from "../../workers/api/src/cart/schemas";
import { database } from "../../workers/api/src/db/client";
import { localClock } from "../../workers/api/src/menu/domain/availability";
import type { LocationSummary } from "../../workers/api/src/menu/domain/document";
import { money } from "../../workers/api/src/menu/domain/money";
import {
	type Actor,
	decideStatusChange,
	foldOrder,
	IllegalTransition,
	nextStatuses,
	type OrderState,
	type RecordedEvent,
	type StatusChange,
} from "../../workers/api/src/ordering/domain/order";
import type {
	Fulfilment,
	OrderEventData,
	OrderEventEnvelope,
	OrderLineSnapshot,
} from "../../workers/api/src/ordering/events";
import {
	type OrderChanged,
	type OrderEventsView,
	type OrderPlacement,
	type OrderView,
	visibleContact,
	visiblePayload,
} from "../../workers/api/src/ordering/order-views";
import type { KitchenMessage } from "./kitchen-feed";
import { eventMessage, type LiveMessage, localTime, resumeAfter, sseFrame } from "./live";
import { migrate } from "./schema";

/** An open cart nobody touched for this long is deleted. */
export const CART_IDLE_TTL_MS = 7 * 24 * 3600_000;
export const MAX_LINES = 100;
const ANONYMOUS_CONTACT = { name: "Deleted customer", email: "deleted@invalid.example", phone: "" };
const OUTBOX_BATCH = 100;
const MAX_BACKOFF_MS = 5 * 60_000;
/** The OTLP service this object's spans belong to: it runs inside the api worker. */
const SERVICE_NAME = "goodfood-api";

/** Who is asking to read or change an order. */
export type OrderAccess =
	| { kind: "staff"; locations: "all" | string[] }
	| { kind: "customer"; customerId: string }
	| { kind: "tracking"; token: string };

export interface Idempotency {
	key: string;
	fingerprint: string;
}

type CartRow = {
	cart_id: string;
	order_id: string;
	location_slug: string;
	status: "open" | "checked_out";
	revision: number;
	tracking_token_hash: string | null;
	expires_at: number;
	owner_id: string | null;
};

type LineRow = {
	line_id: string;
	item_id: string;
	category_id: string;
	name: string;
	quantity: number;
	unit_price: number;
	options: string;
	option_key: string;
	note: string | null;
	position: number;
};

/** A line as the checkout sees it, whether stored in the cart or given in a one-shot order. */
interface DraftLine {
	lineId: string;
	itemId: string;
	categoryId: string;
	name: string;
	quantity: number;
	unitPrice: number;
	options: ChosenOption[];
	optionKey: string;
	note: string | null;
}

function newLineId(): string {
	return `ln_${randomHex(8)}`;
}

function optionKey(optionIds: string[]): string {
	return [...optionIds].sort().join(",");
}

function backoffMs(attempts: number): number {
	return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Runs a command, turning a rule violation into a refused outcome. */
async function outcome<T>(run: () => Promise<T> | T): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		if (error instanceof RuleViolationError) return { ok: false, violation: error.violation };
		if (error instanceof IllegalTransition) {
			return {
				ok: false,
				violation: {
					code: "illegal_transition",
					message: error.message,
					details: { current: error.current, requested: error.requested, allowed: error.allowed },
				},
			};
		}
		throw error;
	}
}

/** The violation code of a refused outcome, for the call's log line. */
function refusalOf(result: unknown): string | undefined {
	const refused = result as { ok?: boolean; violation?: { code: string } } | null;
	return refused?.ok === false ? refused.violation?.code : undefined;
}

export class CartDurableObject extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private readonly eventStreams = new Set<WritableStreamDefaultWriter<Uint8Array>>();
	private readonly pendingCheckouts = new Map<
		string,
		{ fingerprint: string; result: Promise<Outcome<OrderPlacement>> }
	>();

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		ctx.blockConcurrencyWhile(async () => migrate(this.sql));
	}

	/** Creates the cart for a location, owned by a signed-in customer or by whoever holds its id. */
	async open(
		cartId: string,
		orderId: string,
		locationSlug: string,
		ownerId: string | null,
		call: CallContext = {},
	): Promise<Outcome<CartView>> {
		return this.command("open", call, async () => {
			const location = await this.location(this.cartRow()?.location_slug ?? locationSlug);
			// Another call may have created it while we read the location.
			if (!this.cartRow()) this.createCart(cartId, orderId, location.slug, ownerId);
			return this.cartView(cartId, ownerId, location);
		});
	}

	async view(
		cartId: string,
		customerId: string | null,
		fulfilment: Fulfilment = "pickup",
		tip = 0,
		call: CallContext = {},
	): Promise<Outcome<CartView>> {
		return this.command("view", call, async () => {
			const location = await this.location(this.knownCart(cartId, customerId).location_slug);
			return this.cartView(cartId, customerId, location, fulfilment, tip);
		});
	}

	/** Adds a line priced from D1, merging it into an identical line (same item, options and note). */
	async addLine(
		cartId: string,
		customerId: string | null,
		input: AddLineInput,
		call: CallContext = {},
	): Promise<Outcome<{ lineId: string; cart: CartView }>> {
		return this.command("addLine", call, async () => {
			const cart = this.openCart(cartId, customerId);
			const [location, items] = await Promise.all([
				this.location(cart.location_slug),
				loadCartItems(this.db(), [input.itemId]),
			]);
			const draft = this.draftLine(location, items.get(input.itemId), input, "");
			// No awaits from here on: the merge below cannot interleave with another add.
			const current = this.openCart(cartId, customerId);
			const same = this.sql
				.exec<LineRow>(
					"SELECT * FROM cart_lines WHERE item_id = ? AND option_key = ? AND note IS ?",
					draft.itemId,
					draft.optionKey,
					draft.note,
				)
				.toArray()[0];
			let lineId: string;
			if (same) {
				const quantity = same.quantity + draft.quantity;
				if (quantity > MAX_QUANTITY) {
					throw violation("quantity_exceeded", `A line holds at most ${MAX_QUANTITY} of an item`, [
						{ field: "quantity", message: `would make ${quantity}` },
					]);
				}
				this.sql.exec(
					"UPDATE cart_lines SET quantity = ?, unit_price = ? WHERE line_id = ?",
					quantity,
					draft.unitPrice,
					same.line_id,
				);
				lineId = same.line_id;
			} else {
				const count = this.sql.exec<{ count: number }>("SELECT count(*) AS count FROM cart_lines").one().count;
				if (count >= MAX_LINES) throw violation("cart_full", `A cart holds at most ${MAX_LINES} lines`);
				lineId = newLineId();
				this.insertLine({ ...draft, lineId }, count);
			}
			this.touch(current);
			return { lineId, cart: this.cartView(cartId, customerId, location) };
		});
	}

	async updateLine(
		cartId: string,
		customerId: string | null,
		lineId: string,
		patch: UpdateLineInput,
		call: CallContext = {},
	): Promise<Outcome<CartView>> {
		return this.command("updateLine", call, async () => {
			const cart = this.openCart(cartId, customerId);
			const { item_id: itemId } = this.line(lineId);
			const location = await this.location(cart.location_slug);
			let repriced: { options: ChosenOption[]; unitPrice: number } | undefined;
			if (patch.options) {
				const items = await loadCartItems(this.db(), [itemId]);
				repriced = this.draftLine(location, items.get(itemId), { itemId, quantity: 1, options: patch.options }, "");
			}
			// No awaits from here on. Re-read the line: an add may have merged into it
			// meanwhile, and what the patch leaves alone must keep that add's effect.
			const current = this.openCart(cartId, customerId);
			const line = this.line(lineId);
			const options = repriced?.options ?? (JSON.parse(line.options) as ChosenOption[]);
			this.sql.exec(
				"UPDATE cart_lines SET quantity = ?, options = ?, option_key = ?, unit_price = ?, note = ? WHERE line_id = ?",
				patch.quantity ?? line.quantity,
				JSON.stringify(options),
				optionKey(options.map((option) => option.optionId)),
				repriced?.unitPrice ?? line.unit_price,
				patch.note === undefined ? line.note : (patch.note ?? null),
				lineId,
			);
			this.touch(current);
			return this.cartView(cartId, customerId, location);
		});
	}

	async removeLine(
		cartId: string,
		customerId: string | null,
		lineId: string,
		call: CallContext = {},
	): Promise<Outcome<CartView>> {
		return this.command("removeLine", call, async () => {
			const location = await this.location(this.knownCart(cartId, customerId).location_slug);
			const cart = this.openCart(cartId, customerId);
			this.line(lineId);
			this.sql.exec("DELETE FROM cart_lines WHERE line_id = ?", lineId);
			this.touch(cart);
			return this.cartView(cartId, customerId, location);
		});
	}

	/**
	 * Turns the cart into an order, exactly once per idempotency key. Answers the
	 * placed order and the OrderPlaced just recorded, so the caller can project it.
	 */
	async checkout(
		cartId: string,
		customerId: string | null,
		input: CheckoutInput,
		idempotency: Idempotency,
		call: CallContext = {},
	): Promise<Outcome<OrderPlacement>> {
		return this.once("checkout", call, idempotency, (span) =>
			outcome(async () => {
				const cart = this.openCart(cartId, customerId);
				const lines = this.lines().map(toDraft);
				if (lines.length === 0) throw violation("cart_empty", "The cart is empty");
				return this.placeOrder(cart, lines, input, idempotency, span, call.requestId);
			}),
		);
	}

	/** The one-shot order: lines in the body, validated whole before anything is stored. Answers as `checkout`. */
	async placeOneShot(
		cartId: string,
		orderId: string,
		customerId: string | null,
		input: OneShotOrderInput,
		idempotency: Idempotency,
		call: CallContext = {},
	): Promise<Outcome<OrderPlacement>> {
		return this.once("placeOneShot", call, idempotency, (span) =>
			outcome(async () => {
				if (this.cartRow()) throw violation("cart_checked_out", "This order was placed already", { orderId });
				const [location, items] = await Promise.all([
					this.location(input.locationSlug),
					loadCartItems(
						this.db(),
						input.items.map((item) => item.itemId),
					),
				]);
				const lines = input.items.map((item, index) =>
					this.draftLine(location, items.get(item.itemId), item, `items.${index}.`),
				);
				const cart: CartRow = {
					cart_id: cartId,
					order_id: orderId,
					location_slug: location.slug,
					status: "open",
					revision: 0,
					tracking_token_hash: null,
					expires_at: 0,
					owner_id: customerId,
				};
				return this.placeOrder(cart, lines, input, idempotency, span, call.requestId, () => {
					this.createCart(cartId, orderId, location.slug, customerId);
					lines.forEach((line, position) => {
						this.insertLine(line, position);
					});
				});
			}),
		);
	}

	async readOrder(access: OrderAccess, call: CallContext = {}): Promise<OrderView | null> {
		return this.traced("readOrder", call, async () => {
			const order = await this.authorisedOrder(access);
			return order && this.orderView(order, access);
		});
	}

	async readEvents(access: OrderAccess, call: CallContext = {}): Promise<OrderEventsView | null> {
		return this.traced("readEvents", call, async () => {
			const order = await this.authorisedOrder(access);
			if (!order) return null;
			return {
				orderId: order.orderId,
				events: this.sql
					.exec<{ sequence: number; event_id: string; type: string; occurred_at: string; payload: string }>(
						"SELECT sequence, event_id, type, occurred_at, payload FROM order_events ORDER BY sequence",
					)
					.toArray()
					.map((row) => ({
						sequence: row.sequence,
						id: row.event_id,
						type: row.type,
						occurredAt: row.occurred_at,
						payload: visiblePayload(JSON.parse(row.payload) as Record<string, unknown>, seesContact(access)),
					})),
			};
		});
	}

	/**
	 * Moves the order on; null when the caller may not see it. Answers the
	 * order after the change and the envelope just recorded (as it is queued),
	 * so the caller can project it into the read models itself.
	 */
	async changeStatus(
		access: OrderAccess,
		change: StatusChange,
		call: CallContext = {},
	): Promise<Outcome<OrderChanged> | null> {
		return this.traced("changeStatus", call, async (span) => {
			const order = await this.authorisedOrder(access);
			if (!order) return null;
			const actor: Actor = access.kind === "staff" ? "staff" : "customer";
			return outcome(() => {
				const event = decideStatusChange(order, change, actor, new Date());
				const [recorded, envelope] = this.ctx.storage.transactionSync(() => {
					const appended = this.append(order.orderId, event, new Date(), span.trace, call.requestId);
					const queued = this.sql
						.exec<{ message: string }>("SELECT message FROM outbox WHERE sequence = ?", appended.sequence)
						.one();
					return [appended, JSON.parse(queued.message) as OrderEventEnvelope] as const;
				});
				this.scheduleAlarm();
				this.announce(recorded, span);
				const updated = this.order();
				if (!updated) throw new Error("order vanished after an append");
				return { order: this.orderView(updated, access), event: envelope };
			});
		});
	}

	/**
	 * Removes a deleted customer's personal data from this order's events: the
	 * order stays (for the restaurant's books), the person does not.
	 */
	async forgetCustomer(customerId: string, call: CallContext = {}): Promise<boolean> {
		return this.traced("forgetCustomer", call, async () => {
			const cart = this.cartRow();
			if (!cart || cart.owner_id !== customerId) return false;
			const placed = this.sql
				.exec<{ sequence: number; payload: string }>(
					"SELECT sequence, payload FROM order_events WHERE type = 'OrderPlaced'",
				)
				.toArray()[0];
			this.ctx.storage.transactionSync(() => {
				if (placed) {
					const payload = JSON.parse(placed.payload) as Record<string, unknown>;
					const redacted = { ...payload, contact: ANONYMOUS_CONTACT, deliveryAddress: null, customerId: null };
					this.sql.exec(
						"UPDATE order_events SET payload = ? WHERE sequence = ?",
						JSON.stringify(redacted),
						placed.sequence,
					);
				}
				this.sql.exec("UPDATE cart SET owner_id = NULL WHERE id = 1");
			});
			return true;
		});
	}

	/**
	 * Live tracking: a WebSocket (hibernatable) or a Server-Sent Events stream.
	 * The api worker has validated the request; the access it forwards is
	 * checked here, where the tracking token's hash lives.
	 */
	override async fetch(request: Request): Promise<Response> {
		const access = JSON.parse(request.headers.get("x-order-access") ?? "null") as OrderAccess | null;
		const order = access && (await this.authorisedOrder(access));
		if (!access || !order) return new Response(null, { status: 404 });
		const after = resumeAfter(new URL(request.url), request.headers.get("last-event-id"));
		if (after === null) return new Response(null, { status: 400 });
		const catchUp: LiveMessage[] = [
			{ type: "snapshot", sequence: order.version, order: this.orderView(order, access) },
			...this.events()
				.filter((recorded) => recorded.sequence > after)
				.map((recorded) => eventMessage(order.orderId, recorded, order.timeZone)),
		];

		if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
			const { 0: client, 1: server } = new WebSocketPair();
			this.ctx.acceptWebSocket(server);
			server.serializeAttachment({ access: access.kind, after, connectedAt: Date.now() });
			for (const message of catchUp) server.send(JSON.stringify(message));
			return new Response(null, { status: 101, webSocket: client });
		}

		// SSE streams cannot hibernate: they hold this object in memory while open.
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const writer = writable.getWriter();
		this.eventStreams.add(writer);
		for (const message of catchUp) void writer.write(sseFrame(message)).catch(() => this.eventStreams.delete(writer));
		return new Response(readable, {
			headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform" },
		});
	}

	override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
		if (message === "ping") socket.send("pong");
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		// 1005 and 1006 report a close without a code; they cannot be sent back.
		if (code === 1005 || code === 1006) socket.close();
		else socket.close(code, reason);
	}

	/** Tells this order's live clients and its location's kitchen about an event just committed. */
	private announce(recorded: RecordedEvent, span: CallSpan): void {
		const order = this.order();
		if (!order) return;
		span.log.info("order event recorded", {
			orderId: order.orderId,
			type: recorded.event.type,
			sequence: recorded.sequence,
			locationSlug: order.locationSlug,
		});
		const message = eventMessage(order.orderId, recorded, order.timeZone);
		const text = JSON.stringify(message);
		for (const socket of this.ctx.getWebSockets()) {
			try {
				socket.send(text);
			} catch {
				// The socket is closing; the runtime drops it.
			}
		}
		const frame = sseFrame(message);
		for (const writer of this.eventStreams) void writer.write(frame).catch(() => this.eventStreams.delete(writer));

		const feed = this.env.KITCHEN_FEEDS.get(this.env.KITCHEN_FEEDS.idFromName(order.locationSlug));
		const kitchenMessage: KitchenMessage = {
			...message,
			type: "order",
			order:
				recorded.event.type === "OrderPlaced"
					? {
							fulfilment: order.fulfilment,
							requestedFor: order.requestedFor,
							contactName: order.contact.name,
							lines: order.lines.map((line) => ({
								name: line.name,
								quantity: line.quantity,
								options: line.options.map((option) => option.name),
								note: line.note,
							})),
						}
					: undefined,
		};
		// Best effort: the board also reloads the list from the read model.
		this.ctx.waitUntil(
			feed.publish(kitchenMessage).catch((error: unknown) => {
				span.log.error("kitchen feed publish failed", { orderId: order.orderId, error: errorText(error) });
			}),
		);
	}

	/** Drains the outbox, then expires the cart if it sat idle too long. */
	override async alarm(): Promise<void> {
		await this.drainOutbox();
		const cart = this.cartRow();
		if (cart?.status === "open" && Date.now() >= cart.expires_at) {
			await this.ctx.storage.deleteAll();
			// deleteAll drops the tables too; this instance may serve again, as an unknown cart.
			migrate(this.sql);
			return;
		}
		this.scheduleAlarm();
	}

	private async placeOrder(
		cart: CartRow,
		lines: DraftLine[],
		input: CheckoutInput,
		idempotency: Idempotency,
		span: CallSpan,
		requestId: string | undefined,
		createFirst?: () => void,
	): Promise<OrderPlacement> {
		const now = new Date();
		const revision = cart.revision;
		const location = await this.location(cart.location_slug, { fresh: true });
		checkFulfilment(location, input.fulfilment, input.deliveryAddress);
		const when = resolveFulfilmentTime(location, input.requestedTime, now);
		if (input.tip && input.tip.currency !== location.currency) {
			throw violation("currency_mismatch", `The tip must be in ${location.currency}`, [
				{ field: "tip.currency", message: `must be ${location.currency}` },
			]);
		}

		const items = await loadCartItems(
			this.db(),
			lines.map((line) => line.itemId),
		);
		checkOrderable(
			location,
			lines.map((line) => ({ lineId: line.lineId, item: items.get(line.itemId) })),
			when.at,
		);
		const changed = this.repriced(lines, items);
		if (changed.length > 0) {
			if (!createFirst) {
				for (const line of changed) {
					this.sql.exec("UPDATE cart_lines SET unit_price = ? WHERE line_id = ?", line.newUnitPrice, line.lineId);
				}
			}
			throw violation("prices_changed", "Prices changed since these lines were added; review the cart", {
				lines: changed.map((line) => ({
					lineId: line.lineId,
					previousUnitPrice: money(line.oldUnitPrice, location.currency),
					unitPrice: money(line.newUnitPrice, location.currency),
				})),
			});
		}

		const snapshots: OrderLineSnapshot[] = lines.map((line) => ({
			lineId: line.lineId,
			itemId: line.itemId,
			categoryId: line.categoryId,
			name: line.name,
			quantity: line.quantity,
			unitPrice: line.unitPrice,
			lineTotal: line.unitPrice * line.quantity,
			options: line.options,
			note: line.note,
		}));
		const totals = this.totals(location, snapshots, input.fulfilment, input.tip?.amount ?? 0);
		const trackingToken = newTrackingToken();
		const trackingTokenHash = await sha256Hex(trackingToken);
		const placed: PlacedOrderView = { orderId: cart.order_id, status: "placed", trackingToken };

		// Everything below is one transaction with no awaits: the order, its outbox row,
		// the idempotency record and the cart's new status land together or not at all.
		const latest = this.cartRow();
		if (createFirst ? latest : latest?.status !== "open" || latest.revision !== revision) {
			throw violation("conflict", "The cart changed while checking out; try again");
		}
		const [recorded, envelope] = this.ctx.storage.transactionSync(() => {
			createFirst?.();
			const placedEvent = this.append(
				cart.order_id,
				{
					type: "OrderPlaced",
					payload: {
						locationSlug: location.slug,
						timeZone: location.timeZone,
						businessDate: localClock(now, location.timeZone).date,
						fulfilment: input.fulfilment,
						deliveryAddress:
							input.fulfilment === "delivery" && input.deliveryAddress
								? { ...input.deliveryAddress, line2: input.deliveryAddress.line2 ?? null }
								: null,
						requestedFor: when.requestedFor,
						contact: input.contact,
						customerId: cart.owner_id,
						lines: snapshots,
						totals,
					},
				},
				now,
				span.trace,
				requestId,
			);
			this.sql.exec(
				"UPDATE cart SET status = 'checked_out', tracking_token_hash = ?, updated_at = ? WHERE id = 1",
				trackingTokenHash,
				now.toISOString(),
			);
			this.sql.exec(
				"INSERT INTO idempotency (key, fingerprint, response, created_at) VALUES (?, ?, ?, ?)",
				idempotency.key,
				idempotency.fingerprint,
				JSON.stringify(placed),
				now.toISOString(),
			);
			// The envelope exactly as queued, so the caller's projection and the queue's are one event.
			const queued = this.sql
				.exec<{ message: string }>("SELECT message FROM outbox WHERE sequence = ?", placedEvent.sequence)
				.one();
			return [placedEvent, JSON.parse(queued.message) as OrderEventEnvelope] as const;
		});
		this.scheduleAlarm();
		this.announce(recorded, span);
		return { placed, event: envelope };
	}

	/**
	 * Replays the stored answer for a known key, without an event (the first call
	 * recorded it); joins a checkout already running with the same key.
	 */
	private once(
		method: string,
		call: CallContext,
		idempotency: Idempotency,
		run: (span: CallSpan) => Promise<Outcome<OrderPlacement>>,
	): Promise<Outcome<OrderPlacement>> {
		return this.traced(method, call, async (span) => {
			const reused: RuleViolation = {
				code: "idempotency_key_reused",
				message: "This Idempotency-Key was used with a different request",
			};
			const stored = this.sql
				.exec<{ fingerprint: string; response: string }>(
					"SELECT fingerprint, response FROM idempotency WHERE key = ?",
					idempotency.key,
				)
				.toArray()[0];
			if (stored) {
				if (stored.fingerprint !== idempotency.fingerprint) return { ok: false, violation: reused };
				return { ok: true, value: { placed: JSON.parse(stored.response) as PlacedOrderView, event: null } };
			}
			const pending = this.pendingCheckouts.get(idempotency.key);
			if (pending) {
				return pending.fingerprint === idempotency.fingerprint ? pending.result : { ok: false, violation: reused };
			}
			const result = run(span);
			this.pendingCheckouts.set(idempotency.key, { fingerprint: idempotency.fingerprint, result });
			try {
				return await result;
			} finally {
				this.pendingCheckouts.delete(idempotency.key);
			}
		});
	}

	/** Runs one RPC call as a span of the caller's trace; its log line names a refusal's code. */
	private traced<T>(method: string, call: CallContext, run: (span: CallSpan) => Promise<T>): Promise<T> {
		const target = { service: SERVICE_NAME, object: "CartDurableObject", settings: this.env, ctx: this.ctx };
		return tracedCall(target, method, call, run, (result) => {
			const refused = refusalOf(result);
			return refused ? { refused } : {};
		});
	}

	/** A traced RPC command whose rule violations become a refused outcome. */
	private command<T>(method: string, call: CallContext, run: (span: CallSpan) => Promise<T>): Promise<Outcome<T>> {
		return this.traced(method, call, (span) => outcome(() => run(span)));
	}

	private repriced(lines: DraftLine[], items: Map<string, CatalogueItem>) {
		const changed: { lineId: string; oldUnitPrice: number; newUnitPrice: number }[] = [];
		for (const line of lines) {
			const item = items.get(line.itemId);
			if (!item) continue;
			let unitPrice: number;
			try {
				unitPrice = priceLine(
					item,
					line.options.map((option) => option.optionId),
				).unitPrice;
			} catch (error) {
				if (error instanceof RuleViolationError) {
					throw violation("item_unavailable", `The options of ${line.name} changed; choose them again`, {
						lines: [line.lineId],
					});
				}
				throw error;
			}
			if (unitPrice !== line.unitPrice) {
				changed.push({ lineId: line.lineId, oldUnitPrice: line.unitPrice, newUnitPrice: unitPrice });
			}
		}
		return changed;
	}

	private draftLine(
		location: LocationSummary,
		item: CatalogueItem | undefined,
		input: { itemId: string; quantity: number; options: string[]; note?: string | null },
		fieldPrefix: string,
	): DraftLine {
		if (!item) {
			throw violation("unknown_item", `There is no item ${input.itemId}`, [
				{ field: `${fieldPrefix}itemId`, message: "is not on any menu" },
			]);
		}
		if (item.locationSlug !== location.slug) {
			throw violation("item_not_at_location", `${item.name} is not on the menu of ${location.name}`, [
				{ field: `${fieldPrefix}itemId`, message: "belongs to another location" },
			]);
		}
		if (item.soldOut) {
			throw violation("item_sold_out", `${item.name} is sold out`, [
				{ field: `${fieldPrefix}itemId`, message: "is sold out" },
			]);
		}
		const priced = priceLine(item, input.options, `${fieldPrefix}options`);
		return {
			lineId: newLineId(),
			itemId: item.id,
			categoryId: item.categoryId,
			name: item.name,
			quantity: input.quantity,
			unitPrice: priced.unitPrice,
			options: priced.options,
			optionKey: optionKey(input.options),
			note: input.note ?? null,
		};
	}

	/**
	 * Stores the event and its outbox row; the envelope carries the call's span
	 * and request id, so consumers join its trace and name its request. The
	 * outbox keeps the envelope whole, so an alarm that sends it later sends these too.
	 */
	private append(
		orderId: string,
		event: OrderEventData,
		now: Date,
		trace: TraceContext,
		requestId: string | undefined,
	): RecordedEvent {
		const sequence =
			this.sql.exec<{ last: number | null }>("SELECT max(sequence) AS last FROM order_events").one().last ?? 0;
		const envelope = {
			id: crypto.randomUUID(),
			type: event.type,
			occurredAt: now.toISOString(),
			orderId,
			sequence: sequence + 1,
			traceparent: formatTraceparent(trace),
			...(requestId ? { requestId } : {}),
			payload: event.payload,
		} as OrderEventEnvelope;
		this.sql.exec(
			"INSERT INTO order_events (sequence, event_id, type, occurred_at, payload) VALUES (?, ?, ?, ?, ?)",
			envelope.sequence,
			envelope.id,
			envelope.type,
			envelope.occurredAt,
			JSON.stringify(envelope.payload),
		);
		this.sql.exec(
			"INSERT INTO outbox (sequence, message, next_attempt_at) VALUES (?, ?, ?)",
			envelope.sequence,
			JSON.stringify(envelope),
			now.getTime(),
		);
		return { sequence: envelope.sequence, occurredAt: envelope.occurredAt, event };
	}

	/** Sends due outbox rows in one batch; on failure they wait with exponential backoff. */
	private async drainOutbox(): Promise<void> {
		const due = this.sql
			.exec<{ sequence: number; message: string; attempts: number }>(
				"SELECT sequence, message, attempts FROM outbox WHERE next_attempt_at <= ? ORDER BY sequence LIMIT ?",
				Date.now(),
				OUTBOX_BATCH,
			)
			.toArray();
		if (due.length === 0) return;
		try {
			await this.env.ORDER_EVENTS.sendBatch(
				due.map((row) => ({ body: JSON.parse(row.message) as OrderEventEnvelope, contentType: "json" as const })),
			);
			for (const row of due) this.sql.exec("DELETE FROM outbox WHERE sequence = ?", row.sequence);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			for (const row of due) {
				this.sql.exec(
					"UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE sequence = ?",
					row.attempts + 1,
					Date.now() + backoffMs(row.attempts + 1),
					reason,
					row.sequence,
				);
			}
			// One line per event, in its own trace, so the order's journey shows where it stalled.
			for (const row of due) {
				const event = JSON.parse(row.message) as OrderEventEnvelope;
				spanLogger(continueTrace(event.traceparent), event.requestId).error("outbox send failed", {
					orderId: event.orderId,
					sequence: event.sequence,
					attempts: row.attempts + 1,
					reason,
				});
			}
		}
	}

	/** One alarm serves both jobs: the next outbox retry and the idle cart's expiry. */
	private scheduleAlarm(): void {
		const nextSend = this.sql
			.exec<{ next: number | null }>("SELECT min(next_attempt_at) AS next FROM outbox")
			.one().next;
		const cart = this.cartRow();
		const expiry = cart?.status === "open" ? cart.expires_at : null;
		const candidates = [nextSend, expiry].filter((time): time is number => time !== null);
		if (candidates.length === 0) {
			void this.ctx.storage.deleteAlarm();
			return;
		}
		void this.ctx.storage.setAlarm(Math.min(...candidates));
	}

	private createCart(cartId: string, orderId: string, locationSlug: string, ownerId: string | null): void {
		const now = new Date();
		this.sql.exec(
			`INSERT INTO cart (id, cart_id, order_id, location_slug, status, created_at, updated_at, expires_at, owner_id)
			 VALUES (1, ?, ?, ?, 'open', ?, ?, ?, ?)`,
			cartId,
			orderId,
			locationSlug,
			now.toISOString(),
			now.toISOString(),
			now.getTime() + CART_IDLE_TTL_MS,
			ownerId,
		);
		this.scheduleAlarm();
	}

	private insertLine(line: DraftLine, position: number): void {
		this.sql.exec(
			`INSERT INTO cart_lines (line_id, item_id, category_id, name, quantity, unit_price, options, option_key, note, position)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			line.lineId,
			line.itemId,
			line.categoryId,
			line.name,
			line.quantity,
			line.unitPrice,
			JSON.stringify(line.options),
			line.optionKey,
			line.note,
			position,
		);
	}

	private touch(cart: CartRow): void {
		const now = Date.now();
		this.sql.exec(
			"UPDATE cart SET revision = ?, updated_at = ?, expires_at = ? WHERE id = 1",
			cart.revision + 1,
			new Date(now).toISOString(),
			now + CART_IDLE_TTL_MS,
		);
		this.scheduleAlarm();
	}

	private cartRow(): CartRow | undefined {
		return this.sql.exec<CartRow>("SELECT * FROM cart WHERE id = 1").toArray()[0];
	}

	/**
	 * The cart, if the caller named it by its id and, for a customer's cart, is
	 * that customer; otherwise it does not exist for them.
	 */
	private knownCart(cartId: string, customerId: string | null): CartRow {
		const cart = this.cartRow();
		if (!cart || cart.cart_id !== cartId || (cart.owner_id !== null && cart.owner_id !== customerId)) {
			throw violation("cart_not_found", "Cart not found");
		}
		return cart;
	}

	private openCart(cartId: string, customerId: string | null): CartRow {
		const cart = this.knownCart(cartId, customerId);
		if (cart.status !== "open") {
			throw violation("cart_checked_out", "This cart has been checked out", { orderId: cart.order_id });
		}
		return cart;
	}

	private lines(): LineRow[] {
		return this.sql.exec<LineRow>("SELECT * FROM cart_lines ORDER BY position, rowid").toArray();
	}

	private line(lineId: string): LineRow {
		const line = this.sql.exec<LineRow>("SELECT * FROM cart_lines WHERE line_id = ?", lineId).toArray()[0];
		if (!line) throw violation("line_not_found", "There is no such line in this cart");
		return line;
	}

	private locationCache?: { location: LocationSummary; loadedAt: number };

	/** The cart's location; cached briefly for browsing, read fresh from the primary at checkout. */
	private async location(slug: string, { fresh = false } = {}): Promise<LocationSummary> {
		const cached = this.locationCache;
		if (!fresh && cached && cached.location.slug === slug && Date.now() - cached.loadedAt < 30_000) {
			return cached.location;
		}
		const location = await loadLocation(this.db(), slug);
		if (!location) throw violation("not_found", "Location not found");
		this.locationCache = { location, loadedAt: Date.now() };
		return location;
	}

	private db() {
		return database(this.env.DB.withSession("first-primary"));
	}

	private totals(
		location: LocationSummary,
		lines: { lineTotal: number }[],
		fulfilment: Fulfilment,
		tip: number,
	): Totals {
		return computeTotals({
			currency: location.currency,
			lineTotals: lines.map((line) => line.lineTotal),
			taxRateBps: location.taxRateBps,
			pricesIncludeTax: location.pricesIncludeTax,
			deliveryFee: fulfilment === "delivery" ? (location.fulfilment.delivery?.fee.amount ?? 0) : 0,
			tip,
		});
	}

	private cartView(
		cartId: string,
		customerId: string | null,
		location: LocationSummary,
		fulfilment: Fulfilment = "pickup",
		tip = 0,
	): CartView {
		const cart = this.knownCart(cartId, customerId);
		const { currency } = location;
		const lines = this.lines().map((row) => {
			const options = JSON.parse(row.options) as ChosenOption[];
			return {
				lineId: row.line_id,
				itemId: row.item_id,
				name: row.name,
				quantity: row.quantity,
				unitPrice: money(row.unit_price, currency),
				options: options.map((option) => ({ ...option, priceDelta: money(option.priceDelta, currency) })),
				note: row.note,
				lineTotal: money(row.unit_price * row.quantity, currency),
			};
		});
		const totals = this.totals(
			location,
			lines.map((line) => ({ lineTotal: line.lineTotal.amount })),
			fulfilment,
			tip,
		);
		return {
			id: cart.cart_id,
			locationSlug: cart.location_slug,
			currency,
			status: cart.status,
			orderId: cart.status === "checked_out" ? cart.order_id : null,
			lines,
			itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
			fulfilment,
			totals: totalsView(totals),
			expiresAt: cart.status === "open" ? new Date(cart.expires_at).toISOString() : null,
		};
	}

	private events(): RecordedEvent[] {
		return this.sql
			.exec<{ sequence: number; type: string; occurred_at: string; payload: string }>(
				"SELECT sequence, type, occurred_at, payload FROM order_events ORDER BY sequence",
			)
			.toArray()
			.map((row) => ({
				sequence: row.sequence,
				occurredAt: row.occurred_at,
				event: { type: row.type, payload: JSON.parse(row.payload) } as OrderEventData,
			}));
	}

	private order(): OrderState | undefined {
		const cart = this.cartRow();
		return cart ? foldOrder(cart.order_id, this.events()) : undefined;
	}

	private async authorisedOrder(access: OrderAccess): Promise<OrderState | null> {
		const cart = this.cartRow();
		const order = this.order();
		if (!cart || !order) return null;
		switch (access.kind) {
			case "staff":
				return access.locations === "all" || access.locations.includes(order.locationSlug) ? order : null;
			case "customer":
				return order.customerId === access.customerId ? order : null;
			case "tracking": {
				const hash = cart.tracking_token_hash;
				return hash && (await matchesHash(access.token, hash)) ? order : null;
			}
		}
	}

	private orderView(order: OrderState, access: OrderAccess): OrderView {
		const currency = order.totals.currency;
		const staff = access.kind === "staff";
		return {
			id: order.orderId,
			status: order.status,
			locationSlug: order.locationSlug,
			timeZone: order.timeZone,
			fulfilment: order.fulfilment,
			deliveryAddress: order.deliveryAddress,
			requestedFor: order.requestedFor,
			contact: visibleContact(order.contact, seesContact(access)),
			lines: order.lines.map((line) => ({
				lineId: line.lineId,
				itemId: line.itemId,
				name: line.name,
				quantity: line.quantity,
				unitPrice: money(line.unitPrice, currency),
				options: line.options.map((option) => ({ name: option.name, priceDelta: money(option.priceDelta, currency) })),
				note: line.note,
				lineTotal: money(line.lineTotal, currency),
			})),
			totals: totalsView(order.totals),
			placedAt: order.placedAt,
			estimatedReadyAt: order.estimatedReadyAt,
			estimatedReadyAtLocal: order.estimatedReadyAt ? localTime(order.estimatedReadyAt, order.timeZone) : null,
			timeline: order.timeline,
			allowedNext: nextStatuses(order.status, order.fulfilment, staff ? "staff" : "customer"),
		};
	}
}

/** Staff and the owning customer (authorisedOrder checked it is theirs) see contact details; a tracking token does not. */
function seesContact(access: OrderAccess): boolean {
	return access.kind !== "tracking";
}

function toDraft(row: LineRow): DraftLine {
	return {
		lineId: row.line_id,
		itemId: row.item_id,
		categoryId: row.category_id,
		name: row.name,
		quantity: row.quantity,
		unitPrice: row.unit_price,
		options: JSON.parse(row.options) as ChosenOption[],
		optionKey: row.option_key,
		note: row.note,
	};
}

function totalsView(totals: Totals) {
	const { currency } = totals;
	return {
		subtotal: money(totals.subtotal, currency),
		tax: money(totals.tax, currency),
		taxIncluded: totals.taxIncluded,
		deliveryFee: money(totals.deliveryFee, currency),
		tip: money(totals.tip, currency),
		total: money(totals.total, currency),
	};
}
