/**
 * The kitchen board: a location's live orders in columns by status, one tap
 * to move each along. The list comes from the staff order list; the kitchen
 * feed's WebSocket says the moment an order arrives or moves, and the board
 * then shows the change and reloads the list (a read model that follows a
 * moment later, so it reloads until the list has caught up). While the feed
 * is down the board reconnects with backoff and polls slowly meanwhile.
 * Orders to be paid at the counter say so, and handing one over says to take
 * the money; managers can refund an order handed over recently.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { changeStatus, HANDED_OVER_STATUSES, KITCHEN_FEED_PROTOCOL, kitchenFeed, staffOrders } from "../api/endpoints";
import { currentAccessToken } from "../api/http";
import type { Location, OrderStatus, Profile, StaffOrder, StaffOrderPayment, StatusChange } from "../api/types";
import { paymentStatusLabel } from "../api/vocabulary";
import { ErrorMessage } from "../components/page";
import { RefundForm } from "../components/refund-form";
import { formatClock, formatDayTime, formatMoney, shortOrderId } from "../format";
import { i18n, type MessageId, useI18n } from "../i18n";
import { kitchenErrorText } from "../i18n/kitchen-errors";
import { announce } from "../state/announcer";
import { canRefund } from "../state/session";
import { KitchenShell } from "./kitchen-shell";

/** Only while the feed is down: the feed is what keeps the board current. */
const FALLBACK_POLL_MS = 30_000;
const RECONNECT_FIRST_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
/** A ping this often; a feed that does not answer within the grace is closed and reopened. */
const HEARTBEAT_MS = 25_000;
const HEARTBEAT_GRACE_MS = 10_000;
/** Reloads after an event until the read model shows it: the list follows the feed by a moment. */
const CATCH_UP_DELAYS_MS = [300, 600, 1_200, 2_500, 5_000, 5_000];
const DEFAULT_ETA_MINUTES = 15;
const ETA_MIN = 1;
const ETA_MAX = 240;

/** How far along an order is; a list read before a change must not undo it on screen. */
const RANK: Record<OrderStatus, number> = {
	// Never on the board: the kitchen sees an order once it is paid for or to be paid at the counter.
	awaiting_payment: -1,
	payment_failed: -1,
	placed: 0,
	confirmed: 1,
	preparing: 2,
	ready: 3,
	out_for_delivery: 4,
	picked_up: 5,
	delivered: 5,
	rejected: 5,
	cancelled: 5,
};

const COLUMNS: { key: string; title: MessageId; statuses: OrderStatus[] }[] = [
	{ key: "new", title: "kitchen.board.column.new", statuses: ["placed"] },
	{ key: "confirmed", title: "kitchen.board.column.confirmed", statuses: ["confirmed"] },
	{ key: "preparing", title: "kitchen.board.column.preparing", statuses: ["preparing"] },
	{ key: "ready", title: "kitchen.board.column.ready", statuses: ["ready", "out_for_delivery"] },
];

const ACTIVE = new Set(COLUMNS.flatMap((column) => column.statuses));

type Override = Pick<StaffOrder, "status" | "estimatedReadyAt">;

/** How many handed-over orders the refund list offers. */
const HANDED_OVER_SHOWN = 20;

function paysAtCounter(order: StaffOrder): boolean {
	return order.payment.method === "pay_at_pickup";
}

/** What the kitchen feed pushes: a greeting, then one message per order event at the location. */
interface FeedMessage {
	type: "hello" | "order";
	orderId?: string;
	event?: string;
	status?: OrderStatus;
	estimatedReadyAt?: string;
	order?: { contactName: string };
}

export type FeedState = "connecting" | "live" | "offline";

function merge(listed: StaffOrder[], overrides: Map<string, Override>): StaffOrder[] {
	return listed
		.map((order) => {
			const override = overrides.get(order.id);
			if (!override) return order;
			if (RANK[order.status] >= RANK[override.status]) {
				overrides.delete(order.id);
				return order;
			}
			return { ...order, ...override };
		})
		.filter((order) => ACTIVE.has(order.status))
		.sort((a, b) => (a.requestedFor ?? a.placedAt).localeCompare(b.requestedFor ?? b.placedAt));
}

/** Whether the list already shows an order at least as far along as `status`. */
function caughtUp(listed: StaffOrder[], orderId: string, status: OrderStatus): boolean {
	const order = listed.find((candidate) => candidate.id === orderId);
	if (!order) return !ACTIVE.has(status);
	return RANK[order.status] >= RANK[status];
}

function parse(data: unknown): FeedMessage | null {
	if (typeof data !== "string" || data === "pong") return null;
	try {
		const message = JSON.parse(data) as FeedMessage;
		return message && typeof message === "object" ? message : null;
	} catch {
		return null;
	}
}

function useBoard(slug: string) {
	const [orders, setOrders] = useState<StaffOrder[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
	const [feed, setFeed] = useState<FeedState>("connecting");
	const overrides = useRef(new Map<string, Override>());
	const listed = useRef<StaffOrder[]>([]);
	const seen = useRef<Set<string> | null>(null);
	/** Orders the feed told of that the list does not show yet, with the status it named. */
	const awaited = useRef(new Map<string, OrderStatus>());

	const reload = async () => {
		try {
			const { orders: fresh } = await staffOrders(slug);
			listed.current = fresh;
			if (seen.current) {
				for (const order of fresh) {
					if (!seen.current.has(order.id) && order.status === "placed") {
						announce(i18n().t("kitchen.board.newOrder", { ref: shortOrderId(order.id), name: order.contact.name }));
					}
				}
			}
			seen.current = new Set(fresh.map((order) => order.id));
			for (const [orderId, status] of awaited.current) {
				if (caughtUp(fresh, orderId, status)) awaited.current.delete(orderId);
			}
			setOrders(merge(fresh, overrides.current));
			setUpdatedAt(new Date());
			setError(null);
		} catch (failure) {
			setError(kitchenErrorText(failure));
		}
	};

	useEffect(() => {
		let stopped = false;
		let socket: WebSocket | undefined;
		let attempt = 0;
		let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
		let pollTimer: ReturnType<typeof setInterval> | undefined;
		let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
		let catchUpTimer: ReturnType<typeof setTimeout> | undefined;
		let catchUpStep = 0;
		let lastHeard = Date.now();

		const startPolling = () => {
			pollTimer ??= setInterval(() => document.visibilityState === "visible" && reload(), FALLBACK_POLL_MS);
		};
		const stopPolling = () => {
			clearInterval(pollTimer);
			pollTimer = undefined;
		};

		/** Reloads now, then again a little later for as long as the list has not caught up with the feed. */
		const catchUp = async () => {
			clearTimeout(catchUpTimer);
			catchUpTimer = undefined;
			await reload();
			if (stopped) return;
			if (awaited.current.size === 0 || catchUpStep >= CATCH_UP_DELAYS_MS.length) {
				catchUpStep = 0;
				return;
			}
			catchUpTimer = setTimeout(catchUp, CATCH_UP_DELAYS_MS[catchUpStep++]);
		};

		const received = (message: FeedMessage) => {
			if (message.type !== "order" || !message.orderId || !message.status || !(message.status in RANK)) return;
			const { orderId, status } = message;
			const current = listed.current.find((order) => order.id === orderId);
			if (current && RANK[status] > RANK[current.status]) {
				// Shown at once; the list confirms it when it catches up.
				const estimatedReadyAt = message.estimatedReadyAt ?? current.estimatedReadyAt;
				overrides.current.set(orderId, { status, estimatedReadyAt });
				setOrders(merge(listed.current, overrides.current));
			}
			if (!caughtUp(listed.current, orderId, status)) awaited.current.set(orderId, status);
			catchUpStep = 0;
			void catchUp();
		};

		const connect = () => {
			if (stopped) return;
			const token = currentAccessToken();
			if (!token) {
				setFeed("offline");
				startPolling();
				return;
			}
			const { url, protocols } = kitchenFeed(slug, token);
			let opened = false;
			setFeed("connecting");
			try {
				socket = new WebSocket(url, protocols);
			} catch {
				scheduleReconnect(false);
				return;
			}
			socket.addEventListener("open", () => {
				if (socket?.protocol !== KITCHEN_FEED_PROTOCOL) {
					socket?.close();
					return;
				}
				opened = true;
				attempt = 0;
				lastHeard = Date.now();
				setFeed("live");
				stopPolling();
				// Whatever happened while the feed was down.
				void reload();
				heartbeatTimer = setInterval(() => {
					if (Date.now() - lastHeard > HEARTBEAT_MS + HEARTBEAT_GRACE_MS) socket?.close();
					else if (socket?.readyState === WebSocket.OPEN) socket.send("ping");
				}, HEARTBEAT_MS);
			});
			socket.addEventListener("message", (event) => {
				lastHeard = Date.now();
				const message = parse(event.data);
				if (message) received(message);
			});
			socket.addEventListener("close", () => {
				clearInterval(heartbeatTimer);
				socket = undefined;
				if (!stopped) scheduleReconnect(opened);
			});
		};

		const scheduleReconnect = (wasOpen: boolean) => {
			setFeed("offline");
			startPolling();
			// A handshake refused outright may be an expired token: the reload renews it if so.
			if (!wasOpen) void reload();
			const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** attempt++);
			reconnectTimer = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
		};

		void reload();
		connect();
		return () => {
			stopped = true;
			clearTimeout(reconnectTimer);
			clearTimeout(catchUpTimer);
			clearInterval(heartbeatTimer);
			stopPolling();
			socket?.close(1000, "Board closed");
		};
	}, [slug]);

	/** Shows the order's new status from the change's own answer, before the list catches up. */
	const changed = (orderId: string, override: Override) => {
		overrides.current.set(orderId, override);
		setOrders(merge(listed.current, overrides.current));
	};

	return { orders, error, updatedAt, feed, reload, changed };
}

function ReasonForm({
	order,
	verb,
	onSubmit,
	onCancel,
}: {
	order: StaffOrder;
	verb: "Reject" | "Cancel";
	onSubmit: (reason: string) => void;
	onCancel: () => void;
}) {
	const { t } = useI18n();
	const [reason, setReason] = useState("");
	const id = `reason-${order.id}`;
	const ref = shortOrderId(order.id);
	return (
		<form
			class="reason-form"
			onSubmit={(event) => {
				event.preventDefault();
				if (reason.trim()) onSubmit(reason.trim());
			}}
		>
			<label for={id}>
				{t("kitchen.board.reason")} <span class="visually-hidden">{t("kitchen.board.reasonOrder", { ref })}</span>
			</label>
			<input
				id={id}
				required
				maxLength={300}
				value={reason}
				onInput={(event) => setReason(event.currentTarget.value)}
			/>
			<div class="actions">
				<button type="submit" class="danger">
					{verb === "Reject" ? t("kitchen.board.rejectOrder") : t("kitchen.board.cancelOrder")}{" "}
					<span class="visually-hidden">{ref}</span>
				</button>
				<button type="button" onClick={onCancel}>
					{t("kitchen.board.keepOrder")} <span class="visually-hidden">{ref}</span>
				</button>
			</div>
		</form>
	);
}

/** The ETA a kitchen typed, if it is a whole number of minutes from 1 to 240; anything else is refused, not guessed. */
function etaMinutesOf(value: string): number | null {
	const trimmed = value.trim();
	if (!/^\d{1,3}$/.test(trimmed)) return null;
	const minutes = Number(trimmed);
	return minutes >= ETA_MIN && minutes <= ETA_MAX ? minutes : null;
}

/** Minutes from `now` to the kitchen-load prediction, as the ETA field takes them; null without one. */
export function predictedEtaMinutes(predictedReadyAt: string | null, now: number): number | null {
	if (!predictedReadyAt) return null;
	const minutes = Math.round((Date.parse(predictedReadyAt) - now) / 60_000);
	return Math.min(ETA_MAX, Math.max(ETA_MIN, minutes));
}

/**
 * Pre-fills a new order's ETA field with the prediction made at checkout, in
 * minutes from now, unless the cook has typed in it already.
 */
function usePredictedEta(order: StaffOrder, setEta: (value: string) => void) {
	const typed = useRef(false);
	useEffect(() => {
		if (order.status !== "placed" || typed.current) return;
		const minutes = predictedEtaMinutes(order.predictedReadyAt, Date.now());
		if (minutes !== null) setEta(String(minutes));
	}, [order.predictedReadyAt, order.status, setEta]);
	return typed;
}

function OrderCard({
	order,
	location,
	onChanged,
}: {
	order: StaffOrder;
	location: Location;
	onChanged: (override: Override) => void;
}) {
	const { t } = useI18n();
	const [eta, setEta] = useState(String(DEFAULT_ETA_MINUTES));
	const typedEta = usePredictedEta(order, setEta);
	const [etaError, setEtaError] = useState<string | null>(null);
	const etaInput = useRef<HTMLInputElement>(null);
	const [asking, setAsking] = useState<"Reject" | "Cancel" | null>(null);
	const [handingOver, setHandingOver] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const ref = shortOrderId(order.id);
	const titleId = `order-${order.id}`;
	const etaId = `eta-${order.id}`;
	const etaErrorId = `${etaId}-error`;

	const confirm = () => {
		const minutes = etaMinutesOf(eta);
		if (minutes === null) {
			setEtaError(t("kitchen.board.etaInvalid", { min: ETA_MIN, max: ETA_MAX }));
			etaInput.current?.focus();
			return;
		}
		setEtaError(null);
		move({ status: "confirmed", etaMinutes: minutes }, "kitchen.board.done.confirmed");
	};

	const move = async (change: StatusChange, done: MessageId) => {
		setBusy(true);
		setError(null);
		try {
			const updated = await changeStatus(order.id, change);
			onChanged({ status: updated.status, estimatedReadyAt: updated.estimatedReadyAt });
			announce(t(done, { ref }));
			setAsking(null);
			setHandingOver(false);
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	const orderRef = <span class="visually-hidden">{t("kitchen.board.orderRef", { ref })}</span>;
	const action = (label: MessageId, change: StatusChange, done: MessageId, primary = true) => (
		<button type="button" class={primary ? "primary" : undefined} disabled={busy} onClick={() => move(change, done)}>
			{t(label)} {orderRef}
		</button>
	);

	return (
		<article class={`order-card order-${order.status}`} aria-labelledby={titleId}>
			<h3 id={titleId}>
				<span class="order-ref">{ref}</span> {order.contact.name}
				{paysAtCounter(order) && <span class="badge badge-counter">{t("kitchen.board.payAtCounter")}</span>}
			</h3>
			<p class="small">
				<strong>{order.fulfilment === "pickup" ? t("kitchen.board.pickup") : t("kitchen.board.delivery")}</strong>{" "}
				{order.requestedFor
					? t("kitchen.board.requestedFor", { time: formatDayTime(order.requestedFor, location.timeZone) })
					: t("kitchen.board.asap")}{" "}
				· {t("kitchen.board.placedAt", { time: formatClock(order.placedAt, location.timeZone) })}
			</p>
			<ul class="order-lines">
				{order.lines.map((line) => (
					<li key={line.lineId}>
						<strong>{t("kitchen.board.quantity", { quantity: line.quantity })}</strong> {line.name}
						{line.options.length > 0 && <span class="muted"> · {line.options.join(", ")}</span>}
						{line.note && <span class="note">“{line.note}”</span>}
					</li>
				))}
			</ul>
			<p class="small muted">
				{formatMoney(order.totals.total)}
				{order.estimatedReadyAt &&
					` · ${t("kitchen.board.readyBy", { time: formatClock(order.estimatedReadyAt, location.timeZone) })}`}
			</p>
			{handingOver ? (
				<fieldset class="confirm-handover">
					<legend>
						{t("kitchen.board.paysNow")} <span class="visually-hidden">{t("kitchen.board.forOrder", { ref })}</span>
					</legend>
					<p>{t("kitchen.board.takeMoney", { amount: formatMoney(order.totals.total) })}</p>
					<div class="actions">
						<button
							type="button"
							class="primary"
							disabled={busy}
							onClick={() => move({ status: "picked_up" }, "kitchen.board.done.paidAndPickedUp")}
						>
							{t("kitchen.board.paidAndHandedOver")} {orderRef}
						</button>
						<button type="button" disabled={busy} onClick={() => setHandingOver(false)}>
							{t("kitchen.board.notYet")} {orderRef}
						</button>
					</div>
				</fieldset>
			) : asking ? (
				<ReasonForm
					order={order}
					verb={asking}
					onSubmit={(reason) =>
						move(
							{ status: asking === "Reject" ? "rejected" : "cancelled", reason },
							asking === "Reject" ? "kitchen.board.done.rejected" : "kitchen.board.done.cancelled",
						)
					}
					onCancel={() => setAsking(null)}
				/>
			) : (
				<div class="actions">
					{order.status === "placed" && (
						<>
							<div class={`eta-field${etaError ? " field-invalid" : ""}`}>
								<label for={etaId}>
									{t("kitchen.board.eta")} <span class="visually-hidden">{t("kitchen.board.forOrder", { ref })}</span>
								</label>
								<input
									id={etaId}
									ref={etaInput}
									type="number"
									inputMode="numeric"
									required
									min={ETA_MIN}
									max={ETA_MAX}
									step={1}
									value={eta}
									aria-invalid={etaError ? true : undefined}
									aria-describedby={etaError ? etaErrorId : undefined}
									onInput={(event) => {
										const value = event.currentTarget.value;
										typedEta.current = true;
										setEta(value);
										if (etaError && etaMinutesOf(value) !== null) setEtaError(null);
									}}
								/>
								{etaError && (
									<p class="field-error" id={etaErrorId}>
										{etaError}
									</p>
								)}
							</div>
							<button type="button" class="primary" disabled={busy} onClick={confirm}>
								{t("kitchen.board.confirm")} {orderRef}
							</button>
							<button type="button" class="danger-outline" disabled={busy} onClick={() => setAsking("Reject")}>
								{t("kitchen.board.reject")} {orderRef}
							</button>
						</>
					)}
					{order.status === "confirmed" &&
						action("kitchen.board.startPreparing", { status: "preparing" }, "kitchen.board.done.preparing")}
					{order.status === "preparing" &&
						action("kitchen.board.markReady", { status: "ready" }, "kitchen.board.done.ready")}
					{order.status === "ready" &&
						(order.fulfilment === "delivery" ? (
							action(
								"kitchen.board.outForDelivery",
								{ status: "out_for_delivery" },
								"kitchen.board.done.outForDelivery",
							)
						) : paysAtCounter(order) ? (
							<button type="button" class="primary" disabled={busy} onClick={() => setHandingOver(true)}>
								{t("kitchen.board.handOverAsk")} {orderRef}
							</button>
						) : (
							action("kitchen.board.handedOver", { status: "picked_up" }, "kitchen.board.done.pickedUp")
						))}
					{order.status === "out_for_delivery" &&
						action("kitchen.board.delivered", { status: "delivered" }, "kitchen.board.done.delivered")}
					{(order.status === "confirmed" || order.status === "preparing") && (
						<button type="button" class="danger-outline" disabled={busy} onClick={() => setAsking("Cancel")}>
							{t("kitchen.board.cancel")} {orderRef}
						</button>
					)}
				</div>
			)}
			<ErrorMessage message={error} />
		</article>
	);
}

/** A handed-over order a manager may refund, and the refund form when asked for. */
function HandedOverOrder({ order, location }: { order: StaffOrder; location: Location }) {
	const { t } = useI18n();
	const [refunding, setRefunding] = useState(false);
	const [payment, setPayment] = useState<StaffOrderPayment>(order.payment);
	const [outcome, setOutcome] = useState<string | null>(null);
	const ref = shortOrderId(order.id);
	const refundable = payment.method === "card" && payment.status !== "refunded" && payment.status !== "voided";
	return (
		<li class="handed-over-order">
			<p>
				<span class="order-ref">{ref}</span> {order.contact.name} · {formatMoney(order.totals.total)} ·{" "}
				{t(order.fulfilment === "pickup" ? "kitchen.board.handedOverPickup" : "kitchen.board.handedOverDelivery", {
					time: formatDayTime(order.placedAt, location.timeZone),
				})}
				<span class="badge">{paymentStatusLabel(payment.status)}</span>
			</p>
			{outcome && (
				<p class="small" role="status">
					{outcome}
				</p>
			)}
			{refunding ? (
				<RefundForm
					orderId={order.id}
					total={order.totals.total}
					onRefunded={({ refund, payment: after }) => {
						setPayment({ method: after.method, status: after.status });
						setRefunding(false);
						setOutcome(
							refund
								? t("kitchen.board.refunded", { amount: formatMoney(refund.amount), reason: refund.reason })
								: t("kitchen.board.refundQueued"),
						);
					}}
					onClose={() => setRefunding(false)}
				/>
			) : (
				refundable && (
					<button type="button" class="danger-outline" onClick={() => setRefunding(true)}>
						{t("kitchen.board.refund")} <span class="visually-hidden">{t("kitchen.board.orderRef", { ref })}</span>
					</button>
				)
			)}
		</li>
	);
}

/** Orders handed over recently, for a manager to refund; read when opened, not on every board reload. */
function HandedOver({ location }: { location: Location }) {
	const { t } = useI18n();
	const [orders, setOrders] = useState<StaffOrder[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const load = () =>
		staffOrders(location.slug, HANDED_OVER_STATUSES, HANDED_OVER_SHOWN)
			.then(({ orders: listed }) => {
				setOrders(listed);
				setError(null);
			})
			.catch((failure) => setError(kitchenErrorText(failure)));
	return (
		<details
			class="handed-over"
			onToggle={(event) => {
				if (event.currentTarget.open) void load();
			}}
		>
			<summary>{t("kitchen.board.handedOverSummary")}</summary>
			<button type="button" onClick={load}>
				{t("kitchen.board.refreshHandedOver")}
			</button>
			<ErrorMessage message={error} />
			{orders &&
				(orders.length === 0 ? (
					<p class="muted small">{t("kitchen.board.noneHandedOver")}</p>
				) : (
					<ul class="handed-over-orders" aria-label={t("kitchen.board.handedOverList")}>
						{orders.map((order) => (
							<HandedOverOrder key={order.id} order={order} location={location} />
						))}
					</ul>
				))}
		</details>
	);
}

function Board({ location, profile }: { location: Location; profile: Profile }) {
	const { t } = useI18n();
	const { orders, error, updatedAt, feed, reload, changed } = useBoard(location.slug);
	const feedText =
		feed === "live"
			? t("kitchen.board.feed.live")
			: feed === "connecting"
				? t("kitchen.board.feed.connecting")
				: t("kitchen.board.feed.offline", { seconds: FALLBACK_POLL_MS / 1000 });
	return (
		<>
			<div class="toolbar">
				<button type="button" onClick={reload}>
					{t("kitchen.refresh")}
				</button>
				<p class="muted small" data-feed={feed}>
					{feedText}{" "}
					{updatedAt
						? t("kitchen.board.updated", { time: formatClock(updatedAt, location.timeZone) })
						: t("kitchen.board.loading")}
				</p>
			</div>
			<ErrorMessage message={error} />
			<div class="board">
				{COLUMNS.map((column) => {
					const inColumn = (orders ?? []).filter((order) => column.statuses.includes(order.status));
					const headingId = `column-${column.key}`;
					return (
						<section key={column.key} class="board-column" aria-labelledby={headingId}>
							<h2 id={headingId}>
								{t(column.title)} <span class="count">{inColumn.length}</span>
							</h2>
							{inColumn.length === 0 && <p class="muted small">{t("kitchen.board.none")}</p>}
							{inColumn.map((order) => (
								<OrderCard
									key={order.id}
									order={order}
									location={location}
									onChanged={(override) => changed(order.id, override)}
								/>
							))}
						</section>
					);
				})}
			</div>
			{canRefund(profile.role) && <HandedOver location={location} />}
		</>
	);
}

export function KitchenBoardPage() {
	const { t } = useI18n();
	return (
		<KitchenShell title={t("kitchen.board.title")} current="board">
			{({ location, profile }) => <Board key={location.slug} location={location} profile={profile} />}
		</KitchenShell>
	);
}
