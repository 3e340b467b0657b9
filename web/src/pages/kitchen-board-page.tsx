/**
 * The kitchen board: a location's live orders in columns by status, one tap
 * to move each along. The list comes from the staff order list, reloaded every
 * few seconds; a status change shows at once from the answer to the change,
 * since the list is a read model that follows a moment later.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { changeStatus, staffOrders } from "../api/endpoints";
import { messageOf } from "../api/http";
import type { Location, OrderStatus, StaffOrder, StatusChange } from "../api/types";
import { ErrorMessage } from "../components/page";
import { formatClock, formatDayTime, formatMoney, shortOrderId } from "../format";
import { announce } from "../state/announcer";
import { KitchenShell } from "./kitchen-shell";

const POLL_MS = 3_000;
const DEFAULT_ETA_MINUTES = 15;

/** How far along an order is; a list read before a change must not undo it on screen. */
const RANK: Record<OrderStatus, number> = {
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

const COLUMNS: { title: string; statuses: OrderStatus[] }[] = [
	{ title: "New", statuses: ["placed"] },
	{ title: "Confirmed", statuses: ["confirmed"] },
	{ title: "Preparing", statuses: ["preparing"] },
	{ title: "Ready", statuses: ["ready", "out_for_delivery"] },
];

const ACTIVE = new Set(COLUMNS.flatMap((column) => column.statuses));

type Override = Pick<StaffOrder, "status" | "estimatedReadyAt">;

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

function useBoard(slug: string) {
	const [orders, setOrders] = useState<StaffOrder[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
	const overrides = useRef(new Map<string, Override>());
	const listed = useRef<StaffOrder[]>([]);
	const seen = useRef<Set<string> | null>(null);

	const reload = async () => {
		try {
			const { orders: fresh } = await staffOrders(slug);
			listed.current = fresh;
			if (seen.current) {
				for (const order of fresh) {
					if (!seen.current.has(order.id) && order.status === "placed") {
						announce(`New order ${shortOrderId(order.id)} from ${order.contact.name}`);
					}
				}
			}
			seen.current = new Set(fresh.map((order) => order.id));
			setOrders(merge(fresh, overrides.current));
			setUpdatedAt(new Date());
			setError(null);
		} catch (failure) {
			setError(messageOf(failure));
		}
	};

	useEffect(() => {
		reload();
		const timer = setInterval(() => document.visibilityState === "visible" && reload(), POLL_MS);
		return () => clearInterval(timer);
	}, [slug]);

	/** Shows the order's new status from the change's own answer, before the list catches up. */
	const changed = (orderId: string, override: Override) => {
		overrides.current.set(orderId, override);
		setOrders(merge(listed.current, overrides.current));
	};

	return { orders, error, updatedAt, reload, changed };
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
	const [reason, setReason] = useState("");
	const id = `reason-${order.id}`;
	return (
		<form
			class="reason-form"
			onSubmit={(event) => {
				event.preventDefault();
				if (reason.trim()) onSubmit(reason.trim());
			}}
		>
			<label for={id}>Reason, for the customer</label>
			<input
				id={id}
				required
				maxLength={300}
				value={reason}
				onInput={(event) => setReason(event.currentTarget.value)}
			/>
			<div class="actions">
				<button type="submit" class="danger">
					{verb} order
				</button>
				<button type="button" onClick={onCancel}>
					Keep order
				</button>
			</div>
		</form>
	);
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
	const [eta, setEta] = useState(String(DEFAULT_ETA_MINUTES));
	const [asking, setAsking] = useState<"Reject" | "Cancel" | null>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const ref = shortOrderId(order.id);
	const titleId = `order-${order.id}`;

	const move = async (change: StatusChange, done: string) => {
		setBusy(true);
		setError(null);
		try {
			const updated = await changeStatus(order.id, change);
			onChanged({ status: updated.status, estimatedReadyAt: updated.estimatedReadyAt });
			announce(`Order ${ref} ${done}`);
			setAsking(null);
		} catch (failure) {
			setError(messageOf(failure));
		} finally {
			setBusy(false);
		}
	};

	const action = (label: string, change: StatusChange, done: string, primary = true) => (
		<button type="button" class={primary ? "primary" : undefined} disabled={busy} onClick={() => move(change, done)}>
			{label} <span class="visually-hidden">order {ref}</span>
		</button>
	);

	return (
		<article class={`order-card order-${order.status}`} aria-labelledby={titleId}>
			<h3 id={titleId}>
				<span class="order-ref">{ref}</span> {order.contact.name}
			</h3>
			<p class="small">
				<strong>{order.fulfilment === "pickup" ? "Pickup" : "Delivery"}</strong>{" "}
				{order.requestedFor ? `for ${formatDayTime(order.requestedFor, location.timeZone)}` : "ASAP"} · placed{" "}
				{formatClock(order.placedAt, location.timeZone)}
			</p>
			<ul class="order-lines">
				{order.lines.map((line) => (
					<li key={line.lineId}>
						<strong>{line.quantity} ×</strong> {line.name}
						{line.options.length > 0 && <span class="muted"> · {line.options.join(", ")}</span>}
						{line.note && <span class="note">“{line.note}”</span>}
					</li>
				))}
			</ul>
			<p class="small muted">
				{formatMoney(order.totals.total)}
				{order.estimatedReadyAt && ` · ready by ${formatClock(order.estimatedReadyAt, location.timeZone)}`}
			</p>
			{asking ? (
				<ReasonForm
					order={order}
					verb={asking}
					onSubmit={(reason) =>
						move(
							{ status: asking === "Reject" ? "rejected" : "cancelled", reason },
							asking === "Reject" ? "rejected" : "cancelled",
						)
					}
					onCancel={() => setAsking(null)}
				/>
			) : (
				<div class="actions">
					{order.status === "placed" && (
						<>
							<div class="eta-field">
								<label for={`eta-${order.id}`}>ETA (minutes)</label>
								<input
									id={`eta-${order.id}`}
									type="number"
									inputMode="numeric"
									min={1}
									max={240}
									value={eta}
									onInput={(event) => setEta(event.currentTarget.value)}
								/>
							</div>
							{action("Confirm", { status: "confirmed", etaMinutes: Number(eta) || DEFAULT_ETA_MINUTES }, "confirmed")}
							<button type="button" class="danger-outline" disabled={busy} onClick={() => setAsking("Reject")}>
								Reject… <span class="visually-hidden">order {ref}</span>
							</button>
						</>
					)}
					{order.status === "confirmed" && action("Start preparing", { status: "preparing" }, "is being prepared")}
					{order.status === "preparing" && action("Mark ready", { status: "ready" }, "is ready")}
					{order.status === "ready" &&
						(order.fulfilment === "pickup"
							? action("Handed over", { status: "picked_up" }, "was picked up")
							: action("Out for delivery", { status: "out_for_delivery" }, "is out for delivery"))}
					{order.status === "out_for_delivery" && action("Delivered", { status: "delivered" }, "was delivered")}
					{(order.status === "confirmed" || order.status === "preparing") && (
						<button type="button" class="danger-outline" disabled={busy} onClick={() => setAsking("Cancel")}>
							Cancel… <span class="visually-hidden">order {ref}</span>
						</button>
					)}
				</div>
			)}
			<ErrorMessage message={error} />
		</article>
	);
}

function Board({ location }: { location: Location }) {
	const { orders, error, updatedAt, reload, changed } = useBoard(location.slug);
	return (
		<>
			<div class="toolbar">
				<button type="button" onClick={reload}>
					Refresh
				</button>
				<p class="muted small">
					{updatedAt
						? `Updated ${formatClock(updatedAt, location.timeZone)}; refreshes every few seconds.`
						: "Loading…"}
				</p>
			</div>
			<ErrorMessage message={error} />
			<div class="board">
				{COLUMNS.map((column) => {
					const inColumn = (orders ?? []).filter((order) => column.statuses.includes(order.status));
					const headingId = `column-${column.title.toLowerCase()}`;
					return (
						<section key={column.title} class="board-column" aria-labelledby={headingId}>
							<h2 id={headingId}>
								{column.title} <span class="count">{inColumn.length}</span>
							</h2>
							{inColumn.length === 0 && <p class="muted small">None</p>}
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
		</>
	);
}

export function KitchenBoardPage() {
	return (
		<KitchenShell title="Kitchen board" current="board">
			{({ location }) => <Board key={location.slug} location={location} />}
		</KitchenShell>
	);
}
