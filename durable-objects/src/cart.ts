/**
 * The Cart Durable Object: one per cart, holding the cart and then the order
 * it becomes. A thin shell: it loads, stores and announces; the rules live in
 * the cart and ordering domains, the outbox and idempotency machinery in the
 * platform package.
 *
 * The order is event-sourced: its state is folded from its event stream, and
 * every event is stored with an outbox row in one transaction, and sent to the
 * order-events queue right after the commit; the alarm retries what failed
 * and reconciles what was sent.
 *
 * Public methods are the RPC API. They return `Outcome`s rather than throwing
 * for refusals, because only plain data crosses RPC intact. Each takes, last,
 * the caller's `CallContext` (trace and request id): the call is a span of the
 * request's trace, and the events it records carry that span to the queue.
 */

import { DurableObject } from "cloudflare:workers";
import { IDEMPOTENCY_TTL_MS, type IdempotencyKey, InFlightCalls, recall } from "@goodfood/platform/idempotency";
import { errorText } from "@goodfood/platform/log";
import { firstCheckAt, type OutboxEntry } from "@goodfood/platform/outbox";
import { objectIn, regionNamed } from "@goodfood/platform/regions";
import { type CallOptions, type CallSpan, tracedCall } from "@goodfood/platform/rpc-span";
import type { Outcome, RuleViolation } from "@goodfood/platform/rule-violation";
import { violation } from "@goodfood/platform/rule-violation";
import type { CallContext } from "@goodfood/platform/trace";
import {
	type DraftLine,
	draftLine,
	patchLine,
	placeLine,
	repricedLines,
} from "../../workers/api/src/cart/domain/lines";
import { assertCartFor, assertOpen } from "../../workers/api/src/cart/domain/ownership";
import { cartView } from "../../workers/api/src/cart/domain/view";
import { regionOfId } from "../../workers/api/src/cart/identity";
import type {
	AddLineInput,
	CartView,
	CheckoutInput,
	OneShotOrderInput,
	PlacedOrderView,
	UpdateLineInput,
} from "../../workers/api/src/cart/schemas";
import type { LocationSummary } from "../../workers/api/src/menu/domain/document";
import { actorOf, mayAccess, type OrderAccess, trackingTokenFor } from "../../workers/api/src/ordering/domain/access";
import { erasePlacedPayload } from "../../workers/api/src/ordering/domain/erasure";
import {
	decideStatusChange,
	foldOrder,
	type OrderState,
	type RecordedEvent,
	type StatusChange,
} from "../../workers/api/src/ordering/domain/order";
import {
	checkPlacement,
	checkRegion,
	orderPlaced,
	pricesChanged,
} from "../../workers/api/src/ordering/domain/placement";
import { orderEventsView, orderView } from "../../workers/api/src/ordering/domain/view";
import type {
	OrderChanged,
	OrderEventsView,
	OrderPlacement,
	OrderView,
} from "../../workers/api/src/ordering/order-views";
import { CART_IDLE_TTL_MS, type CartRow, CartStore, cartHeader, newCartRow } from "./cart-store";
import {
	currentMenuVersion,
	type LocationCatalogue,
	loadCartItems,
	loadLocationCatalogue,
	loadPlacementCatalogue,
	primaryCatalogue,
	sharedCatalogues,
} from "./catalogue";
import { kitchenMessage } from "./kitchen-feed";
import { eventMessage, LiveClients, type LiveMessage, resumeAfter } from "./live";
import { reconcileGraceMs, reconcileOrderEvents, sendOrderEvents, sendRecordedEvents } from "./order-outbox";
import { outcome, refusalOf } from "./outcome";
import { migrate } from "./schema";

/** The OTLP service this object's spans belong to: it runs inside the api worker. */
const SERVICE_NAME = "goodfood-api";
const KEY_REUSED: RuleViolation = {
	code: "idempotency_key_reused",
	message: "This Idempotency-Key was used with a different request",
};

/** What a placement's idempotency record keeps: the answer without its tracking token, which a replay derives again. */
type StoredPlacement = Omit<PlacedOrderView, "trackingToken">;

export class CartDurableObject extends DurableObject<Env> {
	private readonly store: CartStore;
	private readonly live: LiveClients;
	private readonly placements = new InFlightCalls<Outcome<OrderPlacement>>();
	/** When the alarm is set for, null for none: read once on start, then kept as this instance sets it. */
	private alarmAt: number | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.store = new CartStore(ctx.storage.sql);
		this.live = new LiveClients(ctx);
		// Live clients ping to notice a dead connection; the runtime answers without waking this object.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
		ctx.blockConcurrencyWhile(async () => {
			migrate(ctx.storage.sql);
			// An alarm an earlier instance set stays known, so alarmBy never moves it later.
			this.alarmAt = await ctx.storage.getAlarm();
		});
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
			const { location } = await this.catalogue(this.store.cart()?.location_slug ?? locationSlug);
			// Another call may have created it while we read the location.
			if (!this.store.cart()) this.createCart(cartId, orderId, location.slug, ownerId);
			const cart = this.knownCart(cartId, ownerId);
			return this.cartView(cart, this.store.lines(), location);
		});
	}

	async view(
		cartId: string,
		customerId: string | null,
		fulfilment: CheckoutInput["fulfilment"] = "pickup",
		tip = 0,
		call: CallContext = {},
	): Promise<Outcome<CartView>> {
		return this.command("view", call, async () => {
			const { location } = await this.catalogue(this.knownCart(cartId, customerId).location_slug);
			// Read after the await, so the view is the cart as it is now.
			return this.cartView(this.knownCart(cartId, customerId), this.store.lines(), location, fulfilment, tip);
		});
	}

	/**
	 * Adds a line priced from the location's catalogue (cached while its menu
	 * version holds, checked again at checkout), merging it into an identical
	 * line (same item, options and note). With the catalogue in memory: one
	 * read of the menu version, of the cart and its lines, one line write, one
	 * cart write.
	 */
	async addLine(
		cartId: string,
		customerId: string | null,
		input: AddLineInput,
		call: CallContext = {},
	): Promise<Outcome<{ lineId: string; cart: CartView }>> {
		return this.command("addLine", call, async () => {
			const cart = this.openCart(cartId, customerId);
			const { location, item } = await this.itemAt(cart.location_slug, input.itemId);
			const added = draftLine(location, item, input);
			// No awaits from here on: the merge below cannot interleave with another add. Read the
			// cart again after the await: another call may have changed or placed it meanwhile.
			const current = this.openCart(cartId, customerId);
			const lines = this.store.lines();
			const { line, merged } = placeLine(lines, added);
			if (merged) this.store.updateLine(line);
			else this.store.insertLine(line);
			const touched = this.touch(current);
			const shown = merged ? lines.map((old) => (old.lineId === line.lineId ? line : old)) : [...lines, line];
			return { lineId: line.lineId, cart: this.cartView(touched, shown, location) };
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
			const { itemId } = this.line(lineId);
			let location: LocationSummary;
			let repriced: DraftLine | undefined;
			if (patch.options) {
				const found = await this.itemAt(cart.location_slug, itemId);
				location = found.location;
				repriced = draftLine(location, found.item, { itemId, quantity: 1, options: patch.options });
			} else {
				location = (await this.catalogue(cart.location_slug)).location;
			}
			// No awaits from here on. Re-read the line: an add may have merged into it
			// meanwhile, and what the patch leaves alone must keep that add's effect.
			const current = this.openCart(cartId, customerId);
			this.store.updateLine(patchLine(this.line(lineId), patch, repriced));
			const touched = this.touch(current);
			return this.cartView(touched, this.store.lines(), location);
		});
	}

	async removeLine(
		cartId: string,
		customerId: string | null,
		lineId: string,
		call: CallContext = {},
	): Promise<Outcome<CartView>> {
		return this.command("removeLine", call, async () => {
			const { location } = await this.catalogue(this.knownCart(cartId, customerId).location_slug);
			const cart = this.openCart(cartId, customerId);
			this.line(lineId);
			this.store.deleteLine(lineId);
			const touched = this.touch(cart);
			return this.cartView(touched, this.store.lines(), location);
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
		idempotency: IdempotencyKey,
		call: CallContext = {},
	): Promise<Outcome<OrderPlacement>> {
		return this.once("checkout", call, idempotency, (span) =>
			outcome(async () => {
				const cart = this.openCart(cartId, customerId);
				const lines = this.store.lines();
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
		idempotency: IdempotencyKey,
		call: CallContext = {},
	): Promise<Outcome<OrderPlacement>> {
		return this.once("placeOneShot", call, idempotency, (span) =>
			outcome(async () => {
				if (this.store.cart()) throw violation("cart_checked_out", "This order was placed already", { orderId });
				// Read once, fresh from the primary: the lines are priced and checked against the same read.
				const catalogue = await this.placementCatalogue(
					input.locationSlug,
					input.items.map((item) => item.itemId),
				);
				const { location, items } = catalogue;
				const lines = input.items.map((item, index) =>
					draftLine(location, items.get(item.itemId), item, `items.${index}.`),
				);
				const cart = newCartRow(cartId, orderId, location.slug, customerId);
				return this.placeOrder(cart, lines, input, idempotency, span, call.requestId, catalogue, () => {
					// No alarm for the idle cart: it is checked out in this same transaction.
					this.store.createCart(cartId, orderId, location.slug, customerId, Date.now());
					for (const line of lines) this.store.insertLine(line);
				});
			}),
		);
	}

	async readOrder(access: OrderAccess, call: CallContext = {}): Promise<OrderView | null> {
		return this.traced("readOrder", call, async () => {
			const order = await this.authorisedOrder(access);
			return order && orderView(order, access);
		});
	}

	async readEvents(access: OrderAccess, call: CallContext = {}): Promise<OrderEventsView | null> {
		return this.traced("readEvents", call, async () => {
			const order = await this.authorisedOrder(access);
			return order && orderEventsView(order.orderId, this.store.storedEvents(), access);
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
			if (!(await this.authorisedOrder(access))) return null;
			return outcome(() => {
				// Decided on the state as it is now, after the access check's await: another
				// change may have been appended meanwhile, and the decision and the append must
				// see the same stream. Nothing awaits from here to the append.
				const order = this.order();
				if (!order) throw new Error("order vanished after its access check");
				const event = decideStatusChange(order, change, actorOf(access), new Date());
				const now = new Date();
				const { recorded, envelope, outbox } = this.ctx.storage.transactionSync(() =>
					this.store.append(order.orderId, event, now, span.trace, call.requestId, this.firstCheckAt(now)),
				);
				this.sendRecorded(outbox, this.firstCheckAt(now), span);
				const updated = this.order();
				if (!updated) throw new Error("order vanished after an append");
				this.announce(updated, recorded, span);
				return { order: orderView(updated, access), event: envelope };
			});
		});
	}

	/**
	 * Removes a deleted customer's personal data from this order: the OrderPlaced
	 * in its event stream, and the outbox row that may still carry it to the
	 * queue. The order stays (for the restaurant's books), the person does not.
	 * The idempotency record keeps only the order's id and status, nothing
	 * personal. False when the order is not (or no longer) the customer's, so
	 * a repeated call changes nothing.
	 */
	async forgetCustomer(customerId: string, call: CallContext = {}): Promise<boolean> {
		return this.traced("forgetCustomer", call, async () => {
			const cart = this.store.cart();
			if (!cart || cart.owner_id !== customerId) return false;
			const placed = this.store.placedEvent();
			this.ctx.storage.transactionSync(() => {
				if (placed) {
					const erased = erasePlacedPayload(placed.payload);
					this.store.rewritePayload(placed.sequence, erased);
					this.store.rewriteOutboxPayload(placed.sequence, erased);
				}
				this.store.forgetOwner();
				this.store.forgetLineNotes();
			});
			return true;
		});
	}

	/**
	 * Live tracking: a WebSocket (hibernatable) or a Server-Sent Events stream.
	 * The api worker has validated the request; the access it forwards is
	 * checked here, where the order (and an older order's token hash) lives.
	 */
	override async fetch(request: Request): Promise<Response> {
		const access = JSON.parse(request.headers.get("x-order-access") ?? "null") as OrderAccess | null;
		const order = access && (await this.authorisedOrder(access));
		if (!access || !order) return new Response(null, { status: 404 });
		const after = resumeAfter(new URL(request.url), request.headers.get("last-event-id"));
		if (after === null) return new Response(null, { status: 400 });
		const catchUp: LiveMessage[] = [
			{ type: "snapshot", sequence: order.version, order: orderView(order, access) },
			...this.store
				.events()
				.filter((recorded) => recorded.sequence > after)
				.map((recorded) => eventMessage(order.orderId, recorded, order.timeZone)),
		];

		return this.live.connect(request, access.kind, after, catchUp);
	}

	/** A "ping" never gets here (the auto-response answers it); clients send nothing else that needs an answer. */
	override async webSocketMessage(): Promise<void> {}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		// 1005 and 1006 report a close without a code; they cannot be sent back.
		if (code === 1005 || code === 1006) socket.close();
		else socket.close(code, reason);
	}

	/**
	 * Reconciles the events sent earlier (confirmed ones are forgotten, lost
	 * ones put back), drains the outbox, deletes expired idempotency records,
	 * then expires the cart if it sat idle too long.
	 */
	override async alarm(): Promise<void> {
		// The alarm that fired is spent; whatever runs below sets the next one.
		this.alarmAt = null;
		await reconcileOrderEvents(this.store.outbox, this.env);
		await sendOrderEvents(this.store.outbox, this.env);
		const expiredBefore = Date.now() - IDEMPOTENCY_TTL_MS;
		let oldestAnswer = this.store.oldestAnswerAt();
		// A write only when there is something to forget.
		if (oldestAnswer !== null && oldestAnswer < expiredBefore) {
			this.store.forgetAnswersStoredBefore(expiredBefore);
			oldestAnswer = this.store.oldestAnswerAt();
		}
		const cart = this.store.cart();
		if (cart?.status === "open" && Date.now() >= cart.expires_at) {
			await this.ctx.storage.deleteAll();
			this.alarmAt = null;
			// deleteAll drops the tables too; this instance may serve again, as an unknown cart.
			migrate(this.ctx.storage.sql);
			return;
		}
		this.scheduleAlarm(cart, oldestAnswer);
	}

	private async placeOrder(
		cart: CartRow,
		lines: DraftLine[],
		input: CheckoutInput,
		idempotency: IdempotencyKey,
		span: CallSpan,
		requestId: string | undefined,
		/** The catalogue the caller just read from the primary, if it did. */
		fresh?: LocationCatalogue,
		createFirst?: () => void,
	): Promise<OrderPlacement> {
		const now = new Date();
		const revision = cart.revision;
		// What is charged is decided against D1's primary, never a cached copy.
		const { location, items } =
			fresh ??
			(await this.placementCatalogue(
				cart.location_slug,
				lines.map((line) => line.itemId),
			));
		checkRegion(location, regionOfId(cart.order_id));
		const when = checkPlacement(location, input, lines, items, now);
		const changes = repricedLines(lines, items);
		if (changes.length > 0) {
			// A stored cart shows the new prices for the customer to review; a one-shot order stores nothing.
			if (!createFirst) for (const change of changes) this.store.setUnitPrice(change.lineId, change.newUnitPrice);
			throw pricesChanged(changes, location.currency);
		}
		const event = orderPlaced({ location, input, when, customerId: cart.owner_id, lines, now });
		const stored: StoredPlacement = { orderId: cart.order_id, status: "placed" };
		const placed: PlacedOrderView = { ...stored, trackingToken: await this.trackingToken(cart.order_id) };

		// Everything below is one transaction with no awaits: the order, its outbox row,
		// the idempotency record and the cart's new status land together or not at all.
		const latest = this.store.cart();
		if (createFirst ? latest : latest?.status !== "open" || latest.revision !== revision) {
			throw violation("conflict", "The cart changed while checking out; try again");
		}
		const { recorded, envelope, outbox } = this.ctx.storage.transactionSync(() => {
			createFirst?.();
			const appended = this.store.append(cart.order_id, event, now, span.trace, requestId, this.firstCheckAt(now));
			this.store.checkOut(now);
			this.store.idempotency.save(idempotency.key, {
				fingerprint: idempotency.fingerprint,
				response: JSON.stringify(stored),
				storedAt: now.getTime(),
			});
			return appended;
		});
		this.sendRecorded(outbox, this.firstCheckAt(now), span);
		// A new order's state is its one event: no need to read the stream back.
		const order = foldOrder(cart.order_id, [recorded]);
		if (order) this.announce(order, recorded, span);
		return { placed, event: envelope };
	}

	/**
	 * Replays the stored answer for a known key, without an event (the first call
	 * recorded it), with its tracking token derived again; joins a checkout
	 * already running with the same key.
	 */
	private once(
		method: string,
		call: CallContext,
		idempotency: IdempotencyKey,
		run: (span: CallSpan) => Promise<Outcome<OrderPlacement>>,
	): Promise<Outcome<OrderPlacement>> {
		return this.traced(method, call, async (span) => {
			const recalled = recall(this.store.idempotency, idempotency, Date.now());
			if (recalled.kind === "reused") return { ok: false, violation: KEY_REUSED };
			if (recalled.kind === "replay") {
				const stored = JSON.parse(recalled.response) as StoredPlacement;
				const placed = { ...stored, trackingToken: await this.trackingToken(stored.orderId) };
				return { ok: true, value: { placed, event: null } };
			}
			return this.placements.join(
				idempotency,
				() => run(span),
				() => ({ ok: false, violation: KEY_REUSED }),
			);
		});
	}

	/**
	 * Sends an event just committed to the queue from here, not from an alarm
	 * woken for it (an alarm run was 0.65 ms of CPU per order). Its outbox row
	 * was stored as sent, due for its first reconciliation check, and the alarm
	 * is set for that check: an alarm cannot send it meanwhile, a send that
	 * succeeds writes nothing, a failed one is put back for the alarm to retry
	 * (and the alarm brought forward), and one that never ran (eviction) is
	 * resent by reconciliation as if the queue had lost it. Not awaited: the
	 * answer does not wait for the queue.
	 */
	private sendRecorded(entry: OutboxEntry, checkAt: number, span: CallSpan): void {
		this.alarmBy(checkAt);
		this.ctx.waitUntil(
			sendRecordedEvents(this.store.outbox, this.env, [entry])
				.then((result) => {
					const retryAt = result.sent === 0 ? this.store.nextOutboxAttempt() : null;
					if (retryAt !== null) this.alarmBy(retryAt);
				})
				.catch((error: unknown) => {
					span.log.error("outbox send from the call failed", { sequence: entry.sequence, error: errorText(error) });
				}),
		);
	}

	/** When an event stored now, and sent at once, is first checked for its effects. */
	private firstCheckAt(now: Date): number {
		return firstCheckAt(now.getTime(), reconcileGraceMs(this.env));
	}

	/** Tells this order's live clients and its location's kitchen about an event just committed. */
	private announce(order: OrderState, recorded: RecordedEvent, span: CallSpan): void {
		span.log.info("order event recorded", {
			orderId: order.orderId,
			type: recorded.event.type,
			sequence: recorded.sequence,
			locationSlug: order.locationSlug,
		});
		const message = eventMessage(order.orderId, recorded, order.timeZone);
		this.live.broadcast(message);
		// The kitchen feed of the order's own region, which its location was in when the cart opened.
		const feed = objectIn(this.env.KITCHEN_FEEDS, regionNamed(this.env, regionOfId(order.orderId)), order.locationSlug);
		// Best effort: the board also reloads the list from the read model.
		this.ctx.waitUntil(
			feed.publish(kitchenMessage(message, recorded, order)).catch((error: unknown) => {
				span.log.error("kitchen feed publish failed", { orderId: order.orderId, error: errorText(error) });
			}),
		);
	}

	/**
	 * Sets the alarm exactly, after the alarm ran: one alarm serves every job, the
	 * next outbox send, retry or reconciliation check, the oldest idempotency
	 * record's expiry, and the idle cart's expiry.
	 */
	private scheduleAlarm(cart: CartRow | undefined, oldestAnswer: number | null): void {
		const expiry = cart?.status === "open" ? cart.expires_at : null;
		const answerExpiry = oldestAnswer === null ? null : oldestAnswer + IDEMPOTENCY_TTL_MS;
		const candidates = [this.store.nextOutboxAttempt(), answerExpiry, expiry].filter(
			(time): time is number => time !== null,
		);
		if (candidates.length === 0) {
			void this.ctx.storage.deleteAlarm();
			this.alarmAt = null;
			return;
		}
		this.alarmAt = Math.min(...candidates);
		void this.ctx.storage.setAlarm(this.alarmAt);
	}

	/**
	 * Makes sure the alarm fires by `time`, without reading what else is due:
	 * an alarm already set earlier stays (it fires early, finds nothing due yet
	 * and reschedules exactly), so a busy cart does not write its alarm on every add.
	 */
	private alarmBy(time: number): void {
		if (this.alarmAt !== null && this.alarmAt <= time) return;
		this.alarmAt = time;
		void this.ctx.storage.setAlarm(time);
	}

	/** Runs one RPC call as a span of the caller's trace; its log line names a refusal's code. */
	private traced<T>(
		method: string,
		call: CallContext,
		run: (span: CallSpan) => Promise<T>,
		options?: CallOptions,
	): Promise<T> {
		const target = { service: SERVICE_NAME, object: "CartDurableObject", settings: this.env, ctx: this.ctx };
		return tracedCall(
			target,
			method,
			call,
			run,
			(result) => {
				const refused = refusalOf(result);
				return refused ? { refused } : {};
			},
			options,
		);
	}

	/**
	 * A traced cart command whose rule violations become a refused outcome. A
	 * routine call: logged when refused or failed (the api's request line records the rest).
	 */
	private command<T>(method: string, call: CallContext, run: (span: CallSpan) => Promise<T>): Promise<Outcome<T>> {
		return this.traced(method, call, (span) => outcome(() => run(span)), { routine: true });
	}

	private createCart(cartId: string, orderId: string, locationSlug: string, ownerId: string | null): void {
		const now = Date.now();
		this.store.createCart(cartId, orderId, locationSlug, ownerId, now);
		this.alarmBy(now + CART_IDLE_TTL_MS);
	}

	/** A change to the open cart: answers the cart as it now is (new revision, idle clock restarted). */
	private touch(cart: CartRow): CartRow {
		const touched = this.store.touch(cart, Date.now());
		this.alarmBy(touched.expires_at);
		return touched;
	}

	/** The caller's cart, or cart_not_found. */
	private knownCart(cartId: string, customerId: string | null): CartRow {
		const row = this.store.cart();
		assertCartFor(row && cartHeader(row), cartId, customerId);
		return row as CartRow;
	}

	/** The caller's cart while it takes changes, or cart_checked_out. */
	private openCart(cartId: string, customerId: string | null): CartRow {
		const row = this.knownCart(cartId, customerId);
		assertOpen(cartHeader(row));
		return row;
	}

	private line(lineId: string): DraftLine {
		const line = this.store.line(lineId);
		if (!line) throw violation("line_not_found", "There is no such line in this cart");
		return line;
	}

	private cartView(
		cart: CartRow,
		lines: DraftLine[],
		location: LocationSummary,
		fulfilment: CheckoutInput["fulfilment"] = "pickup",
		tip = 0,
	): CartView {
		return cartView(cartHeader(cart), lines, location, fulfilment, tip);
	}

	/**
	 * The location's catalogue, shared by this isolate's carts. For pricing a
	 * line (`current`), only while the location's menu version is the one on
	 * D1's primary, so a price or a sold-out switch counts from the moment it
	 * is written; for showing a cart (taxes and fees), as cached.
	 */
	private async catalogue(slug: string, { current = false } = {}): Promise<LocationCatalogue> {
		const load = (key: string) => loadLocationCatalogue(this.db(), key);
		let cached = sharedCatalogues.peek(slug);
		if (current) {
			const version = await currentMenuVersion(this.env.DB, slug);
			if (version === undefined) throw violation("not_found", "Location not found");
			if (cached && cached.menuVersion !== version) {
				sharedCatalogues.forget(slug);
				cached = undefined;
			}
		}
		const catalogue = cached ?? (await sharedCatalogues.get(slug, load));
		if (!catalogue) throw violation("not_found", "Location not found");
		return catalogue;
	}

	/** An item as the cached catalogue has it; undefined when the catalogue does not know it. */
	private itemIn(catalogue: LocationCatalogue | undefined, itemId: string) {
		const item = catalogue?.items.get(itemId);
		return catalogue && item && { location: catalogue.location, item };
	}

	/**
	 * An item for a line at this location: from the catalogue, or, when it is not
	 * there (an item of another location, one added since, or none), from D1's
	 * primary, so the refusal names what it really is.
	 */
	private async itemAt(slug: string, itemId: string) {
		const catalogue = await this.catalogue(slug, { current: true });
		const cached = this.itemIn(catalogue, itemId);
		if (cached) return cached;
		const items = await loadCartItems(this.env.DB, [itemId]);
		return { location: catalogue.location, item: items.get(itemId) };
	}

	/** The location and these items as D1's primary has them now, in one round trip: what a placement is decided against. */
	private async placementCatalogue(slug: string, itemIds: string[]): Promise<LocationCatalogue> {
		const { location, items } = await loadPlacementCatalogue(this.env.DB, slug, itemIds);
		if (!location) throw violation("not_found", "Location not found");
		return { location, items };
	}

	private db() {
		return primaryCatalogue(this.env.DB);
	}

	private order(cart = this.store.cart()): OrderState | undefined {
		return cart ? foldOrder(cart.order_id, this.store.events()) : undefined;
	}

	private async authorisedOrder(access: OrderAccess): Promise<OrderState | null> {
		const cart = this.store.cart();
		const order = this.order(cart);
		if (!cart || !order) return null;
		const ownership = {
			orderId: order.orderId,
			locationSlug: order.locationSlug,
			customerId: order.customerId,
			trackingTokenHash: cart.tracking_token_hash,
		};
		return (await mayAccess(access, ownership, this.env.TRACKING_TOKEN_SECRET)) ? order : null;
	}

	private trackingToken(orderId: string): Promise<string> {
		return trackingTokenFor(orderId, this.env.TRACKING_TOKEN_SECRET);
	}
}
