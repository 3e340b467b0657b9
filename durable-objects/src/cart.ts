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
import { paymentJobDataPoint, writeDataPoint } from "@goodfood/platform/metrics";
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
	type OrderStatus,
	type RecordedEvent,
	type StatusChange,
	statusAfter,
} from "../../workers/api/src/ordering/domain/order";
import {
	checkPaymentChoice,
	checkPlacement,
	checkRegion,
	orderPlaced,
	pricesChanged,
} from "../../workers/api/src/ordering/domain/placement";
import { orderEventsView, orderView } from "../../workers/api/src/ordering/domain/view";
import type { OrderEventData, OrderEventEnvelope } from "../../workers/api/src/ordering/events";
import type {
	OrderChanged,
	OrderEventsView,
	OrderPlacement,
	OrderView,
} from "../../workers/api/src/ordering/order-views";
import {
	awaitingAction,
	checkAuthorisedAmount,
	decideCapture,
	decideRefund,
	decideVoid,
	decideWebhook,
	type PaymentStatus,
	settlementFor,
} from "../../workers/api/src/payments/domain/payment";
import { paymentView } from "../../workers/api/src/payments/domain/view";
import {
	type AuthorisationResult,
	type PaymentProvider,
	type ProviderEvent,
	paymentKeys,
	type SettlementResult,
	type WebhookOutcome,
} from "../../workers/api/src/payments/provider";
import { paymentProvider } from "../../workers/api/src/payments/providers";
import type { PaymentInput, RefundInput, RefundOutcome } from "../../workers/api/src/payments/schemas";
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
import { type KitchenCall, KitchenLink, kitchenCallFor, reservationFor } from "./kitchen-link";
import { eventMessage, LiveClients, type LiveMessage, resumeAfter } from "./live";
import { reconcileGraceMs, reconcileOrderEvents, sendOrderEvents, sendRecordedEvents } from "./order-outbox";
import { outcome, refusalOf } from "./outcome";
import {
	ALERT_AFTER_ATTEMPTS,
	PAYMENT_DUE_MS,
	type PaymentJob,
	PaymentStore,
	paymentRetryDelayMs,
} from "./payment-store";
import { migrate } from "./schema";

/** The OTLP service this object's spans belong to: it runs inside the api worker. */
const SERVICE_NAME = "goodfood-api";
const KEY_REUSED: RuleViolation = {
	code: "idempotency_key_reused",
	message: "This Idempotency-Key was used with a different request",
};

/** What a placement's idempotency record keeps: the order's id; a replay answers the order as it is now. */
type StoredPlacement = { orderId: string };

/** What a refund's idempotency record keeps: the provider key of the refund it started. */
type StoredRefund = { refundKey: string };

export class CartDurableObject extends DurableObject<Env> {
	private readonly store: CartStore;
	private readonly payments: PaymentStore;
	private provider?: PaymentProvider;
	private readonly live: LiveClients;
	private readonly placements = new InFlightCalls<Outcome<OrderPlacement>>();
	/** When the alarm is set for, null for none: read once on start, then kept as this instance sets it. */
	private alarmAt: number | null = null;
	private readonly kitchen: KitchenLink;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.store = new CartStore(ctx.storage.sql);
		this.payments = new PaymentStore(ctx.storage.sql);
		this.live = new LiveClients(ctx);
		this.kitchen = new KitchenLink(ctx, env, (at) => this.alarmBy(at));
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
		return this.once("checkout", call, idempotency, input.payment, (span) =>
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
		return this.once("placeOneShot", call, idempotency, input.payment, (span) =>
			outcome(async () => {
				// A one-shot order whose card failed has its cart open again: a retry with the same key pays again.
				const reopened = this.store.cart();
				if (reopened && reopened.status !== "open") {
					throw violation("cart_checked_out", "This order was placed already", { orderId });
				}
				// Read once, fresh from the primary: the lines are priced and checked against the same read.
				const catalogue = await this.placementCatalogue(
					input.locationSlug,
					input.items.map((item) => item.itemId),
				);
				const { location, items } = catalogue;
				const lines = input.items.map((item, index) =>
					draftLine(location, items.get(item.itemId), item, `items.${index}.`),
				);
				if (reopened) {
					this.store.replaceLines(lines);
					return this.placeOrder(reopened, lines, input, idempotency, span, call.requestId, catalogue);
				}
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
			return order && orderView(order, access, this.actionUrl());
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
				const checkAt = this.firstCheckAt(now);
				// What the change asks of the payment is decided and stored with it: a capture,
				// void or refund becomes a job (retried until the provider says yes); money
				// taken at the counter is recorded at once.
				const settlement = settlementFor(change.status, order.payment);
				let owed: KitchenCall | null = null;
				const { appended, collected } = this.ctx.storage.transactionSync(() => {
					const appended = this.store.append(order.orderId, event, now, span.trace, call.requestId, checkAt);
					owed = kitchenCallFor(event.type, now);
					if (owed) this.kitchen.owe(owed, order.orderId, order.locationSlug);
					const collected =
						settlement.kind === "collect"
							? this.store.append(
									order.orderId,
									{
										type: "PaymentCaptured",
										payload: {
											provider: "counter",
											intentId: null,
											amount: settlement.amount,
											currency: order.payment.currency,
											method: "pay_at_pickup",
										},
									},
									now,
									span.trace,
									call.requestId,
									checkAt,
								)
							: undefined;
					if (settlement.kind === "capture" || settlement.kind === "void" || settlement.kind === "refund") {
						const reason = "reason" in event.payload ? event.payload.reason : null;
						this.payments.addJob(
							this.jobKey(order, settlement.kind),
							settlement.kind,
							settlement.kind === "void" ? 0 : settlement.amount,
							reason,
							now.getTime(),
						);
					}
					return { appended, collected };
				});
				this.sendRecorded(collected ? [appended.outbox, collected.outbox] : [appended.outbox], checkAt, span);
				if (owed) this.kitchen.pay(span);
				const updated = this.order();
				if (!updated) throw new Error("order vanished after an append");
				this.announce(updated, appended.recorded, span);
				if (collected) this.announce(updated, collected.recorded, span, { kitchen: false });
				if (settlement.kind !== "none" && settlement.kind !== "collect") this.settleSoon(span);
				return { order: orderView(updated, access), event: appended.envelope };
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
			const placedEvents = this.store.placedEvents();
			this.ctx.storage.transactionSync(() => {
				for (const placed of placedEvents) {
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
	 * Applies a verified provider webhook. Duplicates change nothing; one that
	 * needs a predecessor not applied yet is parked and applied after it; an
	 * authorisation for an attempt that is over is released at the provider.
	 */
	async applyPaymentEvent(event: ProviderEvent, call: CallContext = {}): Promise<WebhookOutcome> {
		return this.traced("applyPaymentEvent", call, async (span) => {
			const result = this.applyWebhook(event, span, call.requestId);
			if (result.applied) this.applyParked(span, call.requestId);
			return result;
		});
	}

	/**
	 * A refund by staff (the api checks the role): never more than is left,
	 * counting refunds under way, once per idempotency key. The provider is
	 * asked at once; when it fails, the refund stays queued and is retried.
	 */
	async refund(
		access: OrderAccess,
		input: RefundInput,
		idempotency: IdempotencyKey,
		call: CallContext = {},
	): Promise<Outcome<RefundOutcome> | null> {
		return this.traced("refund", call, async (span) => {
			if (!(await this.authorisedOrder(access))) return null;
			return outcome(async () => {
				const recalled = recall(this.store.idempotency, idempotency, Date.now());
				if (recalled.kind === "reused") throw violation(KEY_REUSED.code, KEY_REUSED.message);
				let refundKey: string;
				if (recalled.kind === "replay") {
					refundKey = (JSON.parse(recalled.response) as StoredRefund).refundKey;
				} else {
					// Decided and reserved with no await between: a concurrent refund counts this one as taken.
					const order = this.order();
					if (!order) throw new Error("order vanished after its access check");
					const amount = decideRefund(order.payment, input.amount, this.payments.pendingRefunds());
					refundKey = this.jobKey(order, "refund");
					const now = Date.now();
					this.ctx.storage.transactionSync(() => {
						this.payments.addJob(refundKey, "refund", amount, input.reason, now);
						this.store.idempotency.save(idempotency.key, {
							fingerprint: idempotency.fingerprint,
							response: JSON.stringify({ refundKey } satisfies StoredRefund),
							storedAt: now,
						});
					});
				}
				const job = this.payments.job(refundKey);
				const result = job ? await this.runJob(job, span) : null;
				const order = this.order();
				if (!order) throw new Error("order vanished during its refund");
				const refundId = result?.status === "succeeded" ? (result.refundId ?? refundKey) : null;
				const recorded = order.payment.refunds.find((refund) => refund.refundId === refundId);
				const pending = this.payments.job(refundKey) !== undefined;
				return {
					status: pending ? "pending" : "succeeded",
					refund: recorded
						? {
								refundId: recorded.refundId,
								amount: { amount: recorded.amount, currency: order.payment.currency },
								reason: recorded.reason,
								occurredAt: recorded.occurredAt,
							}
						: null,
					payment: paymentView(order.payment),
				} satisfies RefundOutcome;
			});
		});
	}

	/**
	 * Settles the payment from the provider's own view (the nightly sweep): the
	 * calls still queued are made now, then whatever the provider did that the
	 * stream does not say yet (a capture or void whose answer was lost) is recorded.
	 */
	async reconcilePayment(call: CallContext = {}): Promise<Outcome<{ status: PaymentStatus; changed: boolean }>> {
		return this.traced("reconcilePayment", call, (span) =>
			outcome(async () => {
				const before = this.order();
				if (!before) throw violation("not_found", "Order not found");
				await this.runPaymentJobs(span, { all: true });
				await this.settleFromProvider(span);
				const after = this.order() ?? before;
				return { status: after.payment.status, changed: after.version !== before.version };
			}),
		);
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
			{ type: "snapshot", sequence: order.version, order: orderView(order, access, this.actionUrl()) },
		];
		let status: OrderStatus | undefined;
		for (const recorded of this.store.events()) {
			status = statusAfter(recorded.event, status);
			if (recorded.sequence > after) catchUp.push(eventMessage(order.orderId, recorded, order.timeZone, status));
		}

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
		await this.traced("paymentAlarm", {}, (span) => this.paymentAlarm(span), { routine: true });
		await this.traced("kitchenAlarm", {}, (span) => this.kitchen.alarm(span), { routine: true });
		const expiredBefore = Date.now() - IDEMPOTENCY_TTL_MS;
		let oldestAnswer = this.store.oldestAnswerAt();
		// A write only when there is something to forget.
		if (oldestAnswer !== null && oldestAnswer < expiredBefore) {
			this.store.forgetAnswersStoredBefore(expiredBefore);
			oldestAnswer = this.store.oldestAnswerAt();
		}
		const cart = this.store.cart();
		// An idle cart is forgotten, but not while the kitchen is still owed its stock back.
		if (cart?.status === "open" && Date.now() >= cart.expires_at && this.kitchen.nextDueAt() === null) {
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
		const placed = orderPlaced({ location, input, when, customerId: cart.owner_id, lines, now });
		checkPaymentChoice(location, input, placed.payload.totals);
		const byCard = input.payment.method === "card";
		const stored: StoredPlacement = { orderId: cart.order_id };

		// The kitchen's stock and slot, taken atomically on its object: the one call a checkout adds.
		// A retry of this order replaces its earlier reservation there.
		const reservation = await this.kitchen.reserve(
			reservationFor(cart.order_id, location, lines, items, when, now),
			lines,
			location.slug,
			span,
		);
		const event = { ...placed, payload: { ...placed.payload, predictedReadyAt: reservation.predictedReadyAt } };

		// Everything below is one transaction with no awaits: the order, its outbox row,
		// the idempotency record and the cart's new status land together or not at all.
		// An order paid by card is recorded but not published: nobody but the customer
		// sees it until the card is authorised.
		const checkAt = this.firstCheckAt(now);
		let placement: { recorded: RecordedEvent; envelope?: OrderEventEnvelope; outbox?: OutboxEntry };
		try {
			const latest = this.store.cart();
			if (createFirst ? latest : latest?.status !== "open" || latest.revision !== revision) {
				throw violation("conflict", "The cart changed while checking out; try again");
			}
			placement = this.ctx.storage.transactionSync(
				(): { recorded: RecordedEvent; envelope?: OrderEventEnvelope; outbox?: OutboxEntry } => {
					createFirst?.();
					const appended = byCard
						? { recorded: this.store.record(cart.order_id, event, now).recorded }
						: this.store.append(cart.order_id, event, now, span.trace, requestId, checkAt);
					this.store.checkOut(now, byCard ? now.getTime() + PAYMENT_DUE_MS : null);
					this.store.idempotency.save(idempotency.key, {
						fingerprint: idempotency.fingerprint,
						response: JSON.stringify(stored),
						storedAt: now.getTime(),
					});
					return appended;
				},
			);
		} catch (error) {
			// Not placed after all: what the kitchen holds for it goes back.
			this.kitchen.owe({ kind: "release" }, cart.order_id, location.slug);
			this.kitchen.pay(span);
			throw error;
		}
		const order = this.order();
		if (!order) throw new Error("order vanished after it was placed");
		if (placement.outbox && placement.envelope) {
			this.sendRecorded([placement.outbox], checkAt, span);
			this.announce(order, placement.recorded, span);
			return { placed: await this.placedView(order), events: [placement.envelope] };
		}
		this.alarmBy(now.getTime() + PAYMENT_DUE_MS);
		this.announce(order, placement.recorded, span, { kitchen: false });
		return this.authorise(
			order,
			input.payment as Extract<PaymentInput, { method: "card" }>,
			idempotency,
			span,
			requestId,
		);
	}

	/** What the customer is told of a placement: the order's id, status and payment as they are now. */
	private async placedView(order: OrderState): Promise<PlacedOrderView> {
		return {
			orderId: order.orderId,
			status: order.status === "awaiting_payment" ? "awaiting_payment" : "placed",
			trackingToken: await this.trackingToken(order.orderId),
			payment: paymentView(order.payment, this.actionUrl()),
			predictedReadyAt: order.predictedReadyAt,
		};
	}

	/**
	 * Asks the provider to authorise the card for the order's total, with a key
	 * of the order and attempt (a retry is the same authorisation). Authorised:
	 * the order goes to the kitchen. A second step: the customer completes it and
	 * a webhook tells the outcome. Declined, or no answer: the attempt fails and
	 * the cart opens again; an authorisation that lands later is released.
	 */
	private async authorise(
		order: OrderState,
		payment: Extract<PaymentInput, { method: "card" }>,
		idempotency: IdempotencyKey,
		span: CallSpan,
		requestId: string | undefined,
	): Promise<OrderPlacement> {
		const { orderId } = order;
		const { attempt, amount, currency } = order.payment;
		let result: AuthorisationResult;
		try {
			result = await this.paymentProvider().authorise({
				orderId,
				attempt,
				amount,
				currency,
				paymentMethod: payment.paymentMethod,
				returnUrl: payment.returnPath ?? `/orders/${orderId}`,
				idempotencyKey: paymentKeys.authorise(orderId, attempt),
			});
		} catch (error) {
			span.log.error("payment authorisation failed", { orderId, attempt, error: errorText(error) });
			result = {
				status: "declined",
				intentId: null,
				code: "provider_unavailable",
				message: "The card could not be checked just now; no payment was taken. Try again.",
			};
		}
		// Decided on the order as it is after the await: a webhook may have settled this attempt meanwhile.
		const current = this.order();
		if (!current || current.payment.attempt !== attempt) throw new Error("the order moved on during its authorisation");
		switch (result.status) {
			case "authorised": {
				const { events, order: settled } = this.recordAuthorisation(
					current,
					{ intentId: result.intentId, amount: result.amount, currency: result.currency, providerEventId: null },
					span,
					requestId,
				);
				if (settled.status === "payment_failed") throw this.declined(settled, idempotency);
				return { placed: await this.placedView(settled), events };
			}
			case "requires_action":
				if (current.payment.status === "awaiting_authorisation")
					this.store.awaitAction(result.intentId, result.actionUrl);
				return { placed: await this.placedView(this.order() ?? current), events: [] };
			case "declined":
				this.recordFailure(current, result.intentId, result.code, result.message, null, span);
				throw this.declined(this.order() ?? current, idempotency);
		}
	}

	/** The refusal a failed attempt answers; its key is forgotten, so the customer may pay again with it. */
	private declined(order: OrderState, idempotency: IdempotencyKey) {
		this.store.idempotency.forget(idempotency.key);
		const failure = order.payment.failure ?? { code: "payment_failed", message: "The payment failed" };
		return violation("payment_declined", failure.message, [
			{ field: "payment.paymentMethod", message: failure.message, code: failure.code },
		]);
	}

	/**
	 * The card is authorised: the OrderPlaced recorded at checkout is published
	 * with the PaymentAuthorised, so the read models, the kitchen and the
	 * notifications learn of the order now. An amount or currency that is not
	 * the order's is refused: the authorisation is released and the attempt fails.
	 */
	private recordAuthorisation(
		order: OrderState,
		facts: { intentId: string; amount: number; currency: string; providerEventId: string | null },
		span: CallSpan,
		requestId: string | undefined,
	): { events: OrderEventEnvelope[]; order: OrderState } {
		const { payment } = order;
		if (payment.status !== "awaiting_authorisation" && payment.status !== "requires_action") {
			return { events: [], order };
		}
		try {
			checkAuthorisedAmount(payment, facts.amount, facts.currency);
		} catch (error) {
			span.log.error("authorisation refused: not the order's total", {
				orderId: order.orderId,
				amount: facts.amount,
				currency: facts.currency,
				total: payment.amount,
			});
			this.release(order.orderId, facts.intentId, span);
			this.recordFailure(order, facts.intentId, "amount_mismatch", errorText(error), facts.providerEventId, span);
			return { events: [], order: this.order() ?? order };
		}
		const now = new Date();
		const checkAt = this.firstCheckAt(now);
		const authorised: OrderEventData = {
			type: "PaymentAuthorised",
			payload: { provider: this.paymentProvider().name, attempt: payment.attempt, ...facts },
		};
		const { stored, placed, appended } = this.ctx.storage.transactionSync(() => {
			const stored = this.store.storedEnvelope(order.orderId, order.placedSequence);
			if (!stored) throw new Error("the order's OrderPlaced is missing");
			const published = this.store.publish(stored, now, span.trace, requestId, checkAt);
			const appended = this.store.append(order.orderId, authorised, now, span.trace, requestId, checkAt);
			this.store.paymentSettled();
			return { stored, placed: published, appended };
		});
		this.sendRecorded([placed.outbox, appended.outbox], checkAt, span);
		const updated = this.order() ?? order;
		const placedEvent = {
			sequence: stored.sequence,
			occurredAt: stored.occurredAt,
			event: { type: stored.type, payload: stored.payload } as OrderEventData,
		};
		// The kitchen hears of the order only now, as if it had just been placed.
		this.announce(updated, placedEvent, span, { live: false, status: "placed" });
		this.announce(updated, appended.recorded, span, { kitchen: false });
		return { events: [placed.envelope, appended.envelope], order: updated };
	}

	/** The attempt failed (declined, second step failed, expired): recorded for the customer only, and the cart opens again. */
	private recordFailure(
		order: OrderState,
		intentId: string | null,
		code: string,
		message: string,
		providerEventId: string | null,
		span: CallSpan,
	): void {
		const now = new Date();
		const failed: OrderEventData = {
			type: "PaymentFailed",
			payload: {
				provider: this.paymentProvider().name,
				intentId: intentId ?? this.store.cart()?.payment_intent_id ?? null,
				attempt: order.payment.attempt,
				code,
				message,
				providerEventId,
			},
		};
		const { recorded } = this.ctx.storage.transactionSync(() => {
			const result = this.store.record(order.orderId, failed, now);
			this.store.reopen(now.getTime());
			// Never paid: the kitchen gives its stock and slot back (a retry reserves again).
			this.kitchen.owe({ kind: "release" }, order.orderId, order.locationSlug);
			return result;
		});
		this.kitchen.pay(span);
		const updated = this.order();
		if (updated) this.announce(updated, recorded, span, { kitchen: false });
		this.alarmBy(now.getTime() + CART_IDLE_TTL_MS);
	}

	/** Releases an authorisation nobody will capture (an attempt that is over); best effort, logged. */
	private release(orderId: string, intentId: string, span: CallSpan): void {
		this.ctx.waitUntil(
			this.paymentProvider()
				.void(intentId, paymentKeys.release(orderId, intentId))
				.then((result) => {
					if (result.status !== "succeeded") {
						span.log.warn("stale authorisation not released", { orderId, intentId, result: result.status });
					}
				})
				.catch((error: unknown) => {
					span.log.error("stale authorisation release failed", { orderId, intentId, error: errorText(error) });
				}),
		);
	}

	/** Appends payment events and publishes them (the order is placed), then tells live clients. */
	private recordPaymentEvents(
		events: OrderEventData[],
		span: CallSpan,
		requestId?: string,
		/** Writes that land in the same transaction (a finished job's removal). */
		also?: () => void,
	): OrderEventEnvelope[] {
		const order = this.order();
		if (!order) return [];
		const now = new Date();
		const checkAt = this.firstCheckAt(now);
		const appended = this.ctx.storage.transactionSync(() => {
			also?.();
			return events.map((event) => this.store.append(order.orderId, event, now, span.trace, requestId, checkAt));
		});
		if (appended.length === 0) return [];
		this.sendRecorded(
			appended.map((entry) => entry.outbox),
			checkAt,
			span,
		);
		const updated = this.order();
		if (updated) for (const entry of appended) this.announce(updated, entry.recorded, span, { kitchen: false });
		return appended.map((entry) => entry.envelope);
	}

	private applyWebhook(event: ProviderEvent, span: CallSpan, requestId: string | undefined): WebhookOutcome {
		const order = this.order();
		if (!order || order.orderId !== event.orderId) return { applied: false, reason: "unknown_order" };
		const decision = decideWebhook(order.payment, event);
		switch (decision.kind) {
			case "ignore":
				return { applied: false, reason: decision.reason };
			case "park":
				this.payments.park(event, Date.now());
				return { applied: false, reason: "parked" };
			case "release":
				this.release(order.orderId, decision.intentId, span);
				return { applied: false, reason: "released" };
			case "apply":
				break;
		}
		const decided = decision.event;
		if (decided.type === "PaymentAuthorised") {
			this.recordAuthorisation(
				order,
				{ intentId: event.intentId, amount: event.amount, currency: event.currency, providerEventId: event.id },
				span,
				requestId,
			);
		} else if (decided.type === "PaymentFailed") {
			const { intentId, code, message } = decided.payload;
			this.recordFailure(order, intentId, code, message, event.id, span);
		} else {
			const applied = {
				...decided,
				payload: { ...decided.payload, provider: this.paymentProvider().name },
			} as OrderEventData;
			// The provider did what a queued job asks: the job is done.
			const done =
				decided.type === "PaymentCaptured"
					? paymentKeys.capture(order.orderId)
					: decided.type === "PaymentVoided"
						? paymentKeys.void(order.orderId)
						: null;
			this.recordPaymentEvents([applied], span, requestId, () => {
				if (done) this.payments.removeJob(done);
			});
		}
		return { applied: true, type: decided.type };
	}

	/** Webhooks parked for a predecessor: applied, in the order they came, once they can be. */
	private applyParked(span: CallSpan, requestId: string | undefined): void {
		for (let progress = true; progress; ) {
			progress = false;
			for (const parked of this.payments.parked()) {
				const order = this.order();
				if (!order || decideWebhook(order.payment, parked).kind === "park") continue;
				this.payments.unpark(parked.id);
				if (this.applyWebhook(parked, span, requestId).applied) progress = true;
			}
		}
	}

	/** The provider key of the job an order's settlement asks for. */
	private jobKey(order: OrderState, kind: PaymentJob["kind"]): string {
		if (kind === "capture") return paymentKeys.capture(order.orderId);
		if (kind === "void") return paymentKeys.void(order.orderId);
		return paymentKeys.refund(order.orderId, order.payment.refunds.length + this.payments.pendingRefundCount() + 1);
	}

	/** Runs the queued provider calls after this call answers; the alarm is the backstop if it does not get to. */
	private settleSoon(span: CallSpan): void {
		this.alarmBy(Date.now() + 60_000);
		this.ctx.waitUntil(
			this.runPaymentJobs(span).catch((error: unknown) => {
				span.log.error("payment jobs failed", { error: errorText(error) });
			}),
		);
	}

	/** Runs the jobs that are due (or all of them, for reconciliation), one at a time. */
	private async runPaymentJobs(span: CallSpan, { all = false } = {}): Promise<void> {
		const jobs = all ? this.payments.jobs() : this.payments.dueJobs(Date.now());
		for (const job of jobs) await this.runJob(job, span);
	}

	/**
	 * One provider call of a job, with its idempotency key, so however often it
	 * runs the provider acts once. Succeeded: the event is recorded and the job
	 * removed together. Failed: retried with backoff, and past the threshold an
	 * alert (an error line and a metric). Refused for good: the provider's own
	 * view settles it.
	 */
	private async runJob(job: PaymentJob, span: CallSpan): Promise<SettlementResult | null> {
		const order = this.order();
		const intentId = order?.payment.intentId;
		if (!order || !intentId) {
			this.payments.removeJob(job.key);
			return null;
		}
		const attempts = job.attempts + 1;
		// Held back while it runs, so the alarm does not start it again meanwhile; after a crash it is due again then.
		this.payments.postpone(job.key, attempts, Date.now() + paymentRetryDelayMs(attempts), job.lastError);
		const provider = this.paymentProvider();
		let result: SettlementResult;
		try {
			result =
				job.kind === "capture"
					? await provider.capture(intentId, job.amount, job.key)
					: job.kind === "void"
						? await provider.void(intentId, job.key)
						: await provider.refund(intentId, job.amount, job.reason ?? "requested by the restaurant", job.key);
		} catch (error) {
			result = { status: "failed", code: "provider_error", message: errorText(error) };
		}
		const fields = { orderId: order.orderId, key: job.key, attempts, amount: job.amount };
		if (result.status === "failed") {
			const nextAttemptAt = Date.now() + paymentRetryDelayMs(attempts);
			this.payments.postpone(job.key, attempts, nextAttemptAt, `${result.code}: ${result.message}`);
			this.alarmBy(nextAttemptAt);
			if (attempts >= ALERT_AFTER_ATTEMPTS) {
				span.log.error(`payment ${job.kind} failing`, { ...fields, error: result.message });
				writeDataPoint(
					this.env.ORDER_METRICS,
					paymentJobDataPoint({ name: `payment_${job.kind}_failing`, ...fields, error: result.message }),
				);
			} else {
				span.log.warn(`payment ${job.kind} failed; retrying`, { ...fields, error: result.message, nextAttemptAt });
			}
			return result;
		}
		if (result.status === "refused") {
			span.log.warn(`payment ${job.kind} refused by the provider`, { ...fields, code: result.code });
			this.payments.removeJob(job.key);
			await this.settleFromProvider(span);
			return result;
		}
		const current = this.order() ?? order;
		this.recordPaymentEvents(this.jobEvents(current, job, result), span, undefined, () =>
			this.payments.removeJob(job.key),
		);
		return result;
	}

	/** What a job that succeeded records, unless a webhook recorded it first. */
	private jobEvents(
		order: OrderState,
		job: PaymentJob,
		result: Extract<SettlementResult, { status: "succeeded" }>,
	): OrderEventData[] {
		const { payment } = order;
		const facts = {
			provider: this.paymentProvider().name,
			intentId: payment.intentId,
			currency: payment.currency,
			providerEventId: null,
		};
		switch (job.kind) {
			case "capture":
				try {
					decideCapture(payment);
				} catch {
					return [];
				}
				return [{ type: "PaymentCaptured", payload: { ...facts, amount: result.amount, method: "card" } }];
			case "void":
				try {
					decideVoid(payment);
				} catch {
					return [];
				}
				return [
					{
						type: "PaymentVoided",
						payload: { ...facts, amount: payment.authorised, reason: job.reason ?? "released" },
					},
				];
			case "refund": {
				const refundId = result.refundId ?? job.key;
				if (payment.refunds.some((refund) => refund.refundId === refundId)) return [];
				return [
					{
						type: "PaymentRefunded",
						payload: { ...facts, amount: result.amount, refundId, reason: job.reason ?? "refund" },
					},
				];
			}
		}
	}

	/**
	 * Brings the stream in line with the provider's view of the payment, when no
	 * job is queued that would (a queued job's own answer records it, once).
	 */
	private async settleFromProvider(span: CallSpan): Promise<void> {
		const order = this.order();
		const intentId = order?.payment.intentId;
		if (!order || !intentId || order.payment.method !== "card") return;
		const snapshot = await this.paymentProvider().retrieve(intentId);
		if (!snapshot) return;
		const current = this.order() ?? order;
		const { payment } = current;
		if (snapshot.status === "requires_capture" && payment.status === "requires_action") {
			this.recordAuthorisation(
				current,
				{ intentId, amount: snapshot.amount, currency: snapshot.currency, providerEventId: null },
				span,
				undefined,
			);
			return;
		}
		if (this.payments.jobs().length > 0) return;
		const facts = {
			provider: this.paymentProvider().name,
			intentId,
			currency: payment.currency,
			providerEventId: null,
		};
		const events: OrderEventData[] = [];
		let captured = payment.captured;
		if (payment.status === "authorised" && snapshot.amountReceived > payment.captured) {
			events.push({
				type: "PaymentCaptured",
				payload: { ...facts, amount: snapshot.amountReceived - payment.captured, method: "card" },
			});
			captured = snapshot.amountReceived;
		} else if (payment.status === "authorised" && snapshot.status === "canceled") {
			events.push({
				type: "PaymentVoided",
				payload: { ...facts, amount: payment.authorised, reason: "released at the provider" },
			});
		}
		if (captured > 0 && snapshot.amountRefunded > payment.refunded) {
			events.push({
				type: "PaymentRefunded",
				payload: {
					...facts,
					amount: snapshot.amountRefunded - payment.refunded,
					refundId: `reconciled:${intentId}:${snapshot.amountRefunded}`,
					reason: "refunded at the provider",
				},
			});
		}
		if (events.length > 0) {
			span.log.warn("payment reconciled from the provider", {
				orderId: current.orderId,
				types: events.map((e) => e.type),
			});
			this.recordPaymentEvents(events, span);
		}
		// What the order still owes the provider, if its job was lost: a capture at handover, a void after a rejection.
		const settled = this.order() ?? current;
		const owed = settlementFor(settled.status, settled.payment);
		if (owed.kind === "capture" || owed.kind === "void") {
			this.payments.addJob(
				this.jobKey(settled, owed.kind),
				owed.kind,
				owed.kind === "void" ? 0 : owed.amount,
				null,
				Date.now(),
			);
			await this.runPaymentJobs(span);
		}
	}

	/** The alarm's payment work: an unpaid order past its time expires, and due provider calls run. */
	private async paymentAlarm(span: CallSpan): Promise<void> {
		const cart = this.store.cart();
		const order = this.order(cart);
		if (cart?.payment_due_at && Date.now() >= cart.payment_due_at && order?.status === "awaiting_payment") {
			if (order.payment.intentId) this.release(order.orderId, order.payment.intentId, span);
			this.recordFailure(
				order,
				order.payment.intentId,
				"expired",
				"The payment was not completed within 15 minutes; nothing was charged",
				null,
				span,
			);
		}
		await this.runPaymentJobs(span);
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
		payment: PaymentInput,
		run: (span: CallSpan) => Promise<Outcome<OrderPlacement>>,
	): Promise<Outcome<OrderPlacement>> {
		return this.traced(method, call, async (span) => {
			const recalled = recall(this.store.idempotency, idempotency, Date.now());
			if (recalled.kind === "reused") return { ok: false, violation: KEY_REUSED };
			if (recalled.kind === "replay") {
				// The order as it is now: a replay after a second step was completed says it is placed.
				const order = this.order();
				if (!order) throw new Error("a stored placement without its order");
				if (order.payment.status === "awaiting_authorisation" && payment.method === "card") {
					// Stored, but the answer from the provider never came (the object was reset while it
					// asked): ask again, with the attempt's own key, so the provider authorises it once.
					return this.placements.join(
						idempotency,
						() => outcome(() => this.authorise(order, payment, idempotency, span, call.requestId)),
						() => ({ ok: false, violation: KEY_REUSED }),
					);
				}
				if (order.status !== "payment_failed") {
					return { ok: true, value: { placed: await this.placedView(order), events: [] } };
				}
				// The attempt this key placed failed (its second step, or it expired) and the cart is open
				// again: the same request is a new attempt, as after a decline.
				this.store.idempotency.forget(idempotency.key);
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
	private sendRecorded(entries: OutboxEntry[], checkAt: number, span: CallSpan): void {
		this.alarmBy(checkAt);
		this.ctx.waitUntil(
			sendRecordedEvents(this.store.outbox, this.env, entries)
				.then((result) => {
					const retryAt = result.sent === 0 ? this.store.nextOutboxAttempt() : null;
					if (retryAt !== null) this.alarmBy(retryAt);
				})
				.catch((error: unknown) => {
					span.log.error("outbox send from the call failed", {
						sequences: entries.map((entry) => entry.sequence),
						error: errorText(error),
					});
				}),
		);
	}

	/** When an event stored now, and sent at once, is first checked for its effects. */
	private firstCheckAt(now: Date): number {
		return firstCheckAt(now.getTime(), reconcileGraceMs(this.env));
	}

	/**
	 * Tells this order's live clients and its location's kitchen about an event
	 * just committed. The kitchen hears only of orders it may see (paid, or paid
	 * at the counter) and of their status changes; `status` is the status to
	 * announce when it is not the order's current one.
	 */
	private announce(
		order: OrderState,
		recorded: RecordedEvent,
		span: CallSpan,
		{
			kitchen = true,
			live = true,
			status = order.status,
		}: { kitchen?: boolean; live?: boolean; status?: OrderStatus } = {},
	): void {
		span.log.info("order event recorded", {
			orderId: order.orderId,
			type: recorded.event.type,
			sequence: recorded.sequence,
			locationSlug: order.locationSlug,
		});
		const message = eventMessage(order.orderId, recorded, order.timeZone, status);
		if (live) this.live.broadcast(message);
		if (!kitchen) return;
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
		const candidates = [
			this.store.nextOutboxAttempt(),
			answerExpiry,
			expiry,
			cart?.payment_due_at ?? null,
			this.payments.nextJobAt(),
			this.kitchen.nextDueAt(),
		].filter((time): time is number => time !== null);
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
		const order = cart ? foldOrder(cart.order_id, this.store.events()) : undefined;
		// A second step is not an event: the provider's payment it waits on is kept on the cart.
		if (
			order &&
			cart?.payment_intent_id &&
			cart.payment_action_url &&
			order.payment.status === "awaiting_authorisation"
		) {
			awaitingAction(order.payment, cart.payment_intent_id);
		}
		return order;
	}

	/** Where the customer completes the card's second step, while the payment waits on it. */
	private actionUrl(): string | null {
		return this.store.cart()?.payment_action_url ?? null;
	}

	private paymentProvider(): PaymentProvider {
		this.provider ??= paymentProvider(this.env);
		return this.provider;
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
