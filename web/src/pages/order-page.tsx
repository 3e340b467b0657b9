/**
 * The order page: a timeline of the order's statuses with its ETA and the
 * payment's state in words, kept up to date over the order's WebSocket
 * (resuming after the last event seen when it reconnects), or by polling when
 * there is no tracking token to open it with. A payment event changes what a
 * live message does not carry (amounts, refunds, failures), so it reloads the order.
 */
import { useEffect, useState } from "preact/hooks";
import { cancelOrder, getOrder, liveOrderUrl } from "../api/endpoints";
import { ApiFailure } from "../api/http";
import type { LiveMessage, Order, OrderStatus, PaymentStatus } from "../api/types";
import { paymentWords } from "../api/vocabulary";
import { TotalsTable } from "../components/cart-summary";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { formatClock, formatDayTime, formatMoney, shortOrderId, statusLabel } from "../format";
import { i18n, type MessageId, useI18n } from "../i18n";
import { errorText } from "../i18n/errors";
import { goTo, Link, navigate, useRoute } from "../router";
import { rememberTrackingToken, trackingTokenFor } from "../state/tracking";

const FINAL: OrderStatus[] = ["picked_up", "delivered", "rejected", "cancelled"];
/** A card payment still to be settled: captured at handover, or released or refunded after a rejection. */
const UNSETTLED: PaymentStatus[] = ["awaiting_authorisation", "requires_action", "authorised"];
const POLL_MS = 5_000;

/**
 * Nothing more will happen to the order or its money, so the page stops
 * following it. The money moves just after the order's last status: a card is
 * captured, released or refunded, and money taken at the counter is recorded
 * as collected once the order is handed over.
 */
function isSettled({ status, payment }: Order): boolean {
	if (!FINAL.includes(status) || UNSETTLED.includes(payment.status)) return false;
	const handedOver = status === "picked_up" || status === "delivered";
	return !(handedOver && payment.status === "due_at_pickup");
}

type Connection = "connecting" | "live" | "reconnecting" | "polling" | "done";

function applyEvent(order: Order, message: Extract<LiveMessage, { type: "event" }>): Order {
	if (order.timeline.some((entry) => entry.sequence >= message.sequence)) return order;
	return {
		...order,
		status: message.status,
		estimatedReadyAt: message.estimatedReadyAt ?? order.estimatedReadyAt,
		estimatedReadyAtLocal: message.estimatedReadyAtLocal ?? order.estimatedReadyAtLocal,
		timeline: [
			...order.timeline,
			{
				sequence: message.sequence,
				status: message.status,
				occurredAt: message.occurredAt,
				estimatedReadyAt: message.estimatedReadyAt,
				reason: message.reason,
			},
		],
		// Only a placed order may still be cancelled by its customer.
		allowedNext: message.status === "placed" ? order.allowedNext : [],
	};
}

function eta(order: Order): string | null {
	if (order.estimatedReadyAtLocal) return order.estimatedReadyAtLocal;
	return order.estimatedReadyAt ? formatClock(order.estimatedReadyAt, order.timeZone) : null;
}

/**
 * The kitchen-load prediction made at placement, in minutes from now, until
 * the kitchen confirms its own ETA (which then takes over).
 */
export function predictedWords(order: Order, now: number): string | null {
	if (order.estimatedReadyAt || !order.predictedReadyAt) return null;
	const minutes = Math.round((Date.parse(order.predictedReadyAt) - now) / 60_000);
	const { t } = i18n();
	return minutes >= 1 ? t("order.predicted", { minutes }) : t("order.predictedAnyMinute");
}

/** One sentence for where the order is now. */
export function statusSentence(order: Order, now = Date.now()): string {
	const { t } = i18n();
	const predicted = predictedWords(order, now);
	const at = eta(order);
	const readyAround = at ? ` ${t("order.readyAround", { time: at })}` : predicted ? ` ${predicted}` : "";
	// A reason is the kitchen's own words, shown as written.
	const reason = order.timeline.at(-1)?.reason;
	switch (order.status) {
		case "awaiting_payment":
			return t("order.sentence.awaitingPayment");
		case "payment_failed":
			return t("order.sentence.paymentFailed");
		case "placed":
			return `${t("order.sentence.placed")}${predicted ? ` ${predicted}` : ""}`;
		case "confirmed":
			return `${t("order.sentence.confirmed")}${readyAround}`;
		case "preparing":
			return `${t("order.sentence.preparing")}${readyAround}`;
		case "ready":
			return order.fulfilment === "pickup" ? t("order.sentence.readyPickup") : t("order.sentence.readyCourier");
		case "picked_up":
			return t("order.sentence.pickedUp");
		case "out_for_delivery":
			return t("order.sentence.outForDelivery");
		case "delivered":
			return t("order.sentence.delivered");
		case "rejected":
			return reason ? t("order.sentence.rejectedBecause", { reason }) : t("order.sentence.rejected");
		case "cancelled":
			return reason ? t("order.sentence.cancelledBecause", { reason }) : t("order.sentence.cancelled");
	}
}

function stepsFor(order: Order): OrderStatus[] {
	const happy: OrderStatus[] =
		order.fulfilment === "pickup"
			? ["placed", "confirmed", "preparing", "ready", "picked_up"]
			: ["placed", "confirmed", "preparing", "ready", "out_for_delivery", "delivered"];
	if (order.status === "awaiting_payment") return ["awaiting_payment", ...happy];
	if (order.status === "payment_failed") return ["awaiting_payment", "payment_failed"];
	if (order.status !== "rejected" && order.status !== "cancelled") return happy;
	const reached = order.timeline.map((entry) => entry.status);
	return [...happy.filter((status) => reached.includes(status)), order.status];
}

function Timeline({ order }: { order: Order }) {
	const steps = stepsFor(order);
	const current = steps.indexOf(order.status);
	const finished = FINAL.includes(order.status);
	const { t } = useI18n();
	return (
		<ol class="timeline" aria-label={t("order.progress")}>
			{steps.map((status, index) => {
				const entry = [...order.timeline].reverse().find((candidate) => candidate.status === status);
				const state =
					index < current || (finished && index === current) ? "done" : index === current ? "current" : "upcoming";
				return (
					<li
						key={status}
						class={`step step-${state} step-${status}`}
						aria-current={index === current ? "step" : undefined}
					>
						<span class="step-marker" aria-hidden="true" />
						<span class="step-label">{statusLabel(status)}</span>
						<span class="muted small">
							{entry ? formatClock(entry.occurredAt, order.timeZone) : state === "upcoming" ? t("order.notYet") : ""}
						</span>
					</li>
				);
			})}
		</ol>
	);
}

/** Follows the order: a WebSocket with a tracking token, else polling with the account's token. */
function useLiveOrder(orderId: string, token: string | undefined) {
	const [order, setOrder] = useState<Order | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [connection, setConnection] = useState<Connection>("connecting");

	useEffect(() => {
		let stopped = false;
		let socket: WebSocket | undefined;
		let timer: ReturnType<typeof setTimeout> | undefined;
		let lastSequence: number | undefined;
		let retries = 0;
		let latest: Order | null = null;

		const show = (next: Order) => {
			latest = next;
			lastSequence = Math.max(lastSequence ?? 0, next.timeline.at(-1)?.sequence ?? 0) || undefined;
			setOrder(next);
			if (isSettled(next)) {
				stopped = true;
				setConnection("done");
				socket?.close(1000, "final");
			}
		};

		const connect = () => {
			if (stopped || !token) return;
			socket = new WebSocket(liveOrderUrl(orderId, token, lastSequence));
			socket.onopen = () => {
				retries = 0;
				setConnection("live");
			};
			socket.onmessage = (event) => {
				const message = JSON.parse(String(event.data)) as LiveMessage;
				if (message.type === "snapshot") show(message.order);
				else if (message.event.startsWith("Payment")) void refetch();
				else if (latest) show(applyEvent(latest, message));
				// Payment events are not on the timeline, so the resume point is the last message, not the last entry.
				lastSequence = Math.max(lastSequence ?? 0, message.sequence);
			};
			socket.onclose = () => {
				if (stopped) return;
				setConnection("reconnecting");
				timer = setTimeout(connect, Math.min(15_000, 1_000 * 2 ** retries++));
			};
		};

		const refetch = async () => {
			try {
				const fresh = await getOrder(orderId, token);
				if (!stopped) show(fresh);
			} catch (failure) {
				setError(errorText(failure));
			}
		};

		const poll = async () => {
			try {
				show(await getOrder(orderId, token));
			} catch (failure) {
				setError(errorText(failure));
			}
			if (!stopped) timer = setTimeout(poll, POLL_MS);
		};

		getOrder(orderId, token)
			.then((loaded) => {
				show(loaded);
				if (stopped) return;
				if (token) connect();
				else {
					setConnection("polling");
					timer = setTimeout(poll, POLL_MS);
				}
			})
			.catch((failure) => {
				setError(
					failure instanceof ApiFailure && failure.status === 404 ? i18n().t("order.notFound") : errorText(failure),
				);
			});

		return () => {
			stopped = true;
			clearTimeout(timer);
			socket?.close(1000, "left the page");
		};
	}, [orderId, token]);

	return { order, setOrder, error, connection };
}

/** The payment in words, with what the customer can do about it: confirm with the bank, or try another card. */
function PaymentPanel({ order }: { order: Order }) {
	const { payment } = order;
	const { t } = useI18n();
	if (payment.status === "not_recorded") return null;
	const { sentence, refunds } = paymentWords(payment);
	return (
		<section class={`payment payment-${payment.status}`} aria-labelledby="payment-heading">
			<h2 id="payment-heading">{t("order.payment")}</h2>
			<p aria-live="polite" data-testid="payment-status">
				{sentence}
			</p>
			{refunds.length > 0 && (
				<ul class="refunds" aria-label={t("order.refunds")}>
					{refunds.map((refund) => (
						<li key={refund.refundId}>{refund.words}</li>
					))}
				</ul>
			)}
			{payment.nextAction && (
				<button type="button" class="primary" onClick={() => payment.nextAction && goTo(payment.nextAction.url)}>
					{t("order.confirmWithBank")}
				</button>
			)}
			{order.status === "payment_failed" && (
				<p>
					<Link href={`/locations/${order.locationSlug}/checkout`}>{t("order.anotherCard")}</Link>
				</p>
			)}
		</section>
	);
}

const CONNECTION_TEXT: Record<Connection, MessageId | null> = {
	connecting: "order.connection.connecting",
	live: "order.connection.live",
	reconnecting: "order.connection.reconnecting",
	polling: "order.connection.polling",
	done: null,
};

export function OrderPage({ orderId }: { orderId: string }) {
	const { query } = useRoute();
	const fromLink = query.get("token") ?? undefined;
	if (fromLink) rememberTrackingToken(orderId, fromLink);
	const token = fromLink ?? trackingTokenFor(orderId);
	// The token is a secret: keep it out of the address bar and the history.
	useEffect(() => {
		if (fromLink) navigate(`/orders/${orderId}`, { replace: true });
	}, [fromLink, orderId]);
	const { order, setOrder, error, connection } = useLiveOrder(orderId, token);
	const { t } = useI18n();
	const [cancelError, setCancelError] = useState<string | null>(null);
	// "Ready in about N min" counts down between updates.
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), 30_000);
		return () => clearInterval(timer);
	}, []);

	const title = t("order.title", { reference: shortOrderId(orderId) });
	if (!order) {
		return (
			<section class="narrow">
				<PageHeading title={title}>{title}</PageHeading>
				{error ? <ErrorMessage message={error} /> : <Loading what={t("order.loading")} />}
			</section>
		);
	}

	const cancel = async () => {
		setCancelError(null);
		try {
			setOrder(await cancelOrder(orderId, token));
		} catch (failure) {
			setCancelError(errorText(failure));
		}
	};

	const connectionText = CONNECTION_TEXT[connection];
	return (
		<div class="order-page">
			<section class="order-status" aria-labelledby="order-title">
				<PageHeading title={title}>
					<span id="order-title">{title}</span>
				</PageHeading>
				<p class={`status-sentence status-${order.status}`} aria-live="polite" data-testid="order-status">
					{statusSentence(order, now)}
				</p>
				<Timeline order={order} />
				<p class="muted small">{connectionText ? t(connectionText) : ""}</p>
				{order.allowedNext.includes("cancelled") && (
					<button type="button" onClick={cancel}>
						{t("order.cancel")}
					</button>
				)}
				<ErrorMessage message={cancelError ?? error} />
				<PaymentPanel order={order} />
			</section>
			<section class="cart-panel" aria-labelledby="details-heading">
				<h2 id="details-heading">{t("order.details")}</h2>
				<p>
					{order.requestedFor
						? t("order.fulfilmentAt", {
								fulfilment: order.fulfilment,
								time: formatDayTime(order.requestedFor, order.timeZone),
							})
						: t("order.fulfilmentAsap", { fulfilment: order.fulfilment })}
				</p>
				{order.deliveryAddress && (
					<p>
						{order.deliveryAddress.line1}, {order.deliveryAddress.city} {order.deliveryAddress.postcode}
					</p>
				)}
				<ul class="cart-lines" aria-label={t("order.items")}>
					{order.lines.map((line) => (
						<li key={line.lineId} class="cart-line">
							<div class="cart-line-text">
								<span class="cart-line-name">
									{line.quantity} × {line.name}
								</span>
								{line.options.length > 0 && (
									<span class="muted small">{line.options.map((option) => option.name).join(", ")}</span>
								)}
							</div>
							<span class="cart-line-price">{formatMoney(line.lineTotal)}</span>
						</li>
					))}
				</ul>
				<TotalsTable totals={order.totals} fulfilment={order.fulfilment} />
				<Link href={`/locations/${order.locationSlug}`}>{t("order.somethingElse")}</Link>
			</section>
		</div>
	);
}
