/**
 * One object per location (named by its slug): its stock, its slot bookings
 * and the orders in its kitchen. See `workers/api/src/kitchen/contract.ts`
 * for what it answers; the rules are in `workers/api/src/kitchen/domain/`.
 *
 * A reservation is decided and written in one synchronous transaction (no
 * await between the check and the write), so concurrent checkouts for the
 * last units are served strictly one after another, and a refusal changes
 * nothing. An item whose count reaches 0 is marked sold out in the catalogue
 * (and back when restocked) after the answer, by a retried step.
 */
import { DurableObject } from "cloudflare:workers";
import { errorText } from "@goodfood/platform/log";
import { database } from "../../workers/api/src/db/client";
import type {
	KitchenProgress,
	LocationKitchenRpc,
	ReservationAnswer,
	ReservationRequest,
	SlotBooking,
	StockEntry,
	StockLevel,
} from "../../workers/api/src/kitchen/contract";
import {
	DEFAULT_PREP_TIMES,
	type PrepTimeModel,
	predictReadyAt,
	type QueuedOrder,
} from "../../workers/api/src/kitchen/domain/eta";
import { hasRoomFor, roomIn } from "../../workers/api/src/kitchen/domain/slots";
import {
	type Counts,
	decideTake,
	orderUnits,
	soldOutChanges,
	stockKey,
	type Take,
} from "../../workers/api/src/kitchen/domain/stock";
import { localClock } from "../../workers/api/src/menu/domain/availability";
import { publishMenu } from "../../workers/api/src/menu/publication";
import { updateItem } from "../../workers/api/src/menu/repository";
import { migrateKitchen } from "./kitchen-schema";

/** A refusal thrown out of the reservation's transaction, so whatever it wrote (an earlier reservation given back) is rolled back. */
class Refused extends Error {
	constructor(readonly answer: Extract<ReservationAnswer, { ok: false }>) {
		super(answer.code);
	}
}

/**
 * An order still queued this long after it was due was made and handed over
 * without the kitchen saying so (or its status change is still owed): it no
 * longer holds anything up.
 */
const STALE_QUEUE_MS = 3 * 3600_000;
/**
 * The most orders ahead the prediction replays: a kitchen this far behind is
 * predicted by its line's speed already, and a reservation's cost stays flat
 * however many orders are booked for one time.
 */
const MAX_ORDERS_AHEAD = 100;

/** 10 s, 40 s, 160 s … then every 10 minutes: a catalogue write that failed is tried again. */
function menuSyncDelayMs(attempts: number): number {
	return Math.min(10_000 * 4 ** Math.max(0, attempts - 1), 600_000);
}

type StockRow = { item_id: string; option_id: string; count: number };

export class LocationKitchen extends DurableObject<Env> implements LocationKitchenRpc {
	private readonly sql: SqlStorage;
	/** The menu sync running now, if one is: a second waits for it rather than writing the same flags twice. */
	private syncing: Promise<void> | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		ctx.blockConcurrencyWhile(async () => migrateKitchen(this.sql));
	}

	async reserve(request: ReservationRequest): Promise<ReservationAnswer> {
		const now = Date.now();
		let soldOut: { itemId: string; soldOut: boolean }[] = [];
		try {
			const answer = this.ctx.storage.transactionSync((): ReservationAnswer => {
				const today = this.openDay(request.timeZone, now);
				const before = this.itemCounts();
				// A retried checkout replaces its earlier reservation rather than taking stock twice.
				this.giveBack(request.orderId);
				const decision = decideTake(request.lines, this.counts());
				if (!decision.ok) throw new Refused({ ok: false, code: "out_of_stock", lines: decision.short });
				const units = orderUnits(request.lines);
				const { capacity } = request.slot;
				const fits = (start: string) => hasRoomFor(roomIn(capacity, this.booking(start)), units);
				// A kitchen without a capacity takes any number: its bookings are not even counted.
				const limited = capacity.orders !== null || capacity.units !== null;
				if (limited && !fits(request.slot.start)) {
					const freeSlots = request.alternatives.filter(fits);
					throw new Refused({ ok: false, code: "slot_full", freeSlots });
				}
				for (const take of decision.take) {
					this.sql.exec(
						"UPDATE stock SET count = count - ? WHERE item_id = ? AND option_id = ?",
						take.units,
						take.itemId,
						take.optionId ?? "",
					);
				}
				const placedAt = Date.parse(request.placedAt);
				// An order booked for later is started for its time, and only what is due by then is ahead of it.
				const dueAt = request.requestedFor ? Math.max(placedAt, Date.parse(request.requestedFor)) : placedAt;
				const queued: QueuedOrder = {
					orderId: request.orderId,
					placedAt: dueAt,
					lines: request.lines.map(({ itemId, categoryId, quantity }) => ({ itemId, categoryId, quantity })),
				};
				this.sql.exec(
					"INSERT INTO reservations (order_id, taken, slot_start, units, business_date, created_at) VALUES (?, ?, ?, ?, ?, ?)",
					request.orderId,
					JSON.stringify(decision.take),
					request.slot.start,
					units,
					today,
					now,
				);
				this.sql.exec("DELETE FROM queue WHERE due_at < ?", now - STALE_QUEUE_MS);
				const ahead = this.queueDueBy(dueAt);
				this.sql.exec(
					"INSERT INTO queue (order_id, placed_at, due_at, lines) VALUES (?, ?, ?, ?)",
					request.orderId,
					placedAt,
					dueAt,
					JSON.stringify(queued.lines),
				);
				soldOut = this.recordSoldOutChanges(before, now);
				const predicted = predictReadyAt({
					order: queued,
					ahead,
					model: this.prepTimes(),
					now,
					localHour: Math.floor(localClock(new Date(now), request.timeZone).minutes / 60),
				});
				// An order for later is made for its time, not before.
				const requested = request.requestedFor ? Date.parse(request.requestedFor) : 0;
				return {
					ok: true,
					predictedReadyAt: new Date(Math.max(predicted, requested)).toISOString(),
					ordersAhead: ahead.length,
				};
			});
			this.syncSoon(soldOut);
			return answer;
		} catch (error) {
			if (error instanceof Refused) return error.answer;
			throw error;
		}
	}

	async release(orderId: string): Promise<boolean> {
		const now = Date.now();
		let soldOut: { itemId: string; soldOut: boolean }[] = [];
		const released = this.ctx.storage.transactionSync(() => {
			this.openDay(undefined, now);
			const before = this.itemCounts();
			const released = this.giveBack(orderId);
			soldOut = this.recordSoldOutChanges(before, now);
			return released;
		});
		this.syncSoon(soldOut);
		return released;
	}

	async progress(orderId: string, progress: KitchenProgress, _at: string): Promise<void> {
		// Ready or handed over: out of the queue; its stock stays taken (it was made).
		if (progress === "ready" || progress === "handed_over") {
			this.sql.exec("DELETE FROM queue WHERE order_id = ?", orderId);
		}
	}

	async stock(timeZone?: string): Promise<StockLevel[]> {
		this.ctx.storage.transactionSync(() => this.openDay(timeZone, Date.now()));
		return this.levels();
	}

	async setStock(entries: StockEntry[], timeZone?: string): Promise<StockLevel[]> {
		return this.changeCounts(timeZone, () => {
			for (const entry of entries) this.writeCount(entry.itemId, entry.optionId, entry.count);
		});
	}

	async restock(
		entries: { itemId: string; optionId: string | null; add: number }[],
		timeZone?: string,
	): Promise<StockLevel[]> {
		return this.changeCounts(timeZone, () => {
			for (const entry of entries) {
				// Only tracked counts grow: a delivery of an untracked item changes nothing (it is unlimited).
				this.sql.exec(
					"UPDATE stock SET count = max(count, 0) + ? WHERE item_id = ? AND option_id = ?",
					entry.add,
					entry.itemId,
					entry.optionId ?? "",
				);
			}
		});
	}

	async setOpeningStock(date: string, entries: StockEntry[], timeZone?: string): Promise<void> {
		this.ctx.storage.transactionSync(() => {
			this.openDay(timeZone, Date.now());
			this.sql.exec("DELETE FROM opening_stock WHERE date = ?", date);
			for (const entry of entries) {
				this.sql.exec(
					"INSERT INTO opening_stock (date, item_id, option_id, count) VALUES (?, ?, ?, ?)",
					date,
					entry.itemId,
					entry.optionId ?? "",
					entry.count,
				);
			}
			// Set for today after today opened: it applies now.
			if (this.meta("stock_date") === date) this.applyOpening(date);
		});
	}

	/** The opening stock set for a local date (what the stock page shows for tomorrow). */
	async openingStock(date: string): Promise<StockEntry[]> {
		return this.sql
			.exec<{ item_id: string; option_id: string; count: number | null }>(
				"SELECT item_id, option_id, count FROM opening_stock WHERE date = ? ORDER BY item_id, option_id",
				date,
			)
			.toArray()
			.map((row) => ({ itemId: row.item_id, optionId: row.option_id || null, count: row.count }));
	}

	async slotBookings(from: string, to: string): Promise<SlotBooking[]> {
		return this.sql
			.exec<{ start: string; orders: number; units: number }>(
				"SELECT slot_start AS start, count(*) AS orders, sum(units) AS units FROM reservations WHERE slot_start >= ? AND slot_start < ? GROUP BY slot_start ORDER BY slot_start",
				from,
				to,
			)
			.toArray();
	}

	async setPrepTimes(model: PrepTimeModel): Promise<void> {
		this.setMeta("prep_times", JSON.stringify(model));
	}

	/** The backstop for sold-out flags the call that changed them did not get written. */
	override async alarm(): Promise<void> {
		await this.syncMenu();
		const next = this.nextSyncAt();
		if (next !== null) await this.ctx.storage.setAlarm(next);
	}

	private changeCounts(timeZone: string | undefined, write: () => void): StockLevel[] {
		const now = Date.now();
		let soldOut: { itemId: string; soldOut: boolean }[] = [];
		this.ctx.storage.transactionSync(() => {
			this.openDay(timeZone, now);
			const before = this.itemCounts();
			write();
			soldOut = this.recordSoldOutChanges(before, now);
		});
		this.syncSoon(soldOut);
		return this.levels();
	}

	private writeCount(itemId: string, optionId: string | null, count: number | null): void {
		if (count === null) {
			this.sql.exec("DELETE FROM stock WHERE item_id = ? AND option_id = ?", itemId, optionId ?? "");
		} else {
			this.sql.exec(
				"INSERT INTO stock (item_id, option_id, count) VALUES (?, ?, ?) ON CONFLICT (item_id, option_id) DO UPDATE SET count = excluded.count",
				itemId,
				optionId ?? "",
				count,
			);
		}
	}

	/**
	 * The first touch of a new local day applies its opening stock and forgets
	 * what is past: earlier days' opening counts, and reservations of orders
	 * long done (a day's bookings are kept for the day after, for late releases).
	 * Answers the local date.
	 */
	private openDay(timeZone: string | undefined, now: number): string {
		if (timeZone && this.meta("time_zone") !== timeZone) this.setMeta("time_zone", timeZone);
		const zone = timeZone ?? this.meta("time_zone") ?? "UTC";
		const today = localClock(new Date(now), zone).date;
		if (this.meta("stock_date") === today) return today;
		this.applyOpening(today);
		this.sql.exec("DELETE FROM opening_stock WHERE date < ?", today);
		this.sql.exec("DELETE FROM reservations WHERE created_at < ?", now - 2 * 86_400_000);
		this.setMeta("stock_date", today);
		return today;
	}

	private applyOpening(date: string): void {
		const now = Date.now();
		const before = this.itemCounts();
		const rows = this.sql
			.exec<{ item_id: string; option_id: string; count: number | null }>(
				"SELECT item_id, option_id, count FROM opening_stock WHERE date = ?",
				date,
			)
			.toArray();
		for (const row of rows) this.writeCount(row.item_id, row.option_id || null, row.count);
		this.syncLater(this.recordSoldOutChanges(before, now));
	}

	/** Gives back what the order took and its slot, and takes it off the queue; false when it held nothing. */
	private giveBack(orderId: string): boolean {
		const row = this.sql
			.exec<{ taken: string }>("SELECT taken FROM reservations WHERE order_id = ?", orderId)
			.toArray()[0];
		this.sql.exec("DELETE FROM queue WHERE order_id = ?", orderId);
		if (!row) return false;
		for (const take of JSON.parse(row.taken) as Take[]) {
			// Given back only to counts still tracked: a count since untracked is unlimited anyway.
			this.sql.exec(
				"UPDATE stock SET count = count + ? WHERE item_id = ? AND option_id = ?",
				take.units,
				take.itemId,
				take.optionId ?? "",
			);
		}
		this.sql.exec("DELETE FROM reservations WHERE order_id = ?", orderId);
		return true;
	}

	private counts(): Counts {
		const counts = new Map<string, number>();
		for (const row of this.sql.exec<StockRow>("SELECT item_id, option_id, count FROM stock")) {
			counts.set(stockKey({ itemId: row.item_id, optionId: row.option_id || null }), row.count);
		}
		return counts;
	}

	/** Each tracked item's own count (options aside). */
	private itemCounts(): Map<string, number | null> {
		const counts = new Map<string, number | null>();
		for (const row of this.sql.exec<StockRow>("SELECT item_id, count FROM stock WHERE option_id = ''")) {
			counts.set(row.item_id, row.count);
		}
		return counts;
	}

	private booking(start: string): { orders: number; units: number } {
		return this.sql
			.exec<{ orders: number; units: number }>(
				"SELECT count(*) AS orders, coalesce(sum(units), 0) AS units FROM reservations WHERE slot_start = ?",
				start,
			)
			.one();
	}

	/** The queued orders the kitchen starts on by `dueAt` (the latest MAX_ORDERS_AHEAD), in the order it starts them. */
	private queueDueBy(dueAt: number): QueuedOrder[] {
		return this.sql
			.exec<{ order_id: string; due_at: number; lines: string }>(
				"SELECT order_id, due_at, lines FROM queue WHERE due_at <= ? ORDER BY due_at DESC, order_id DESC LIMIT ?",
				dueAt,
				MAX_ORDERS_AHEAD,
			)
			.toArray()
			.reverse()
			.map((row) => ({
				orderId: row.order_id,
				placedAt: row.due_at,
				lines: JSON.parse(row.lines) as QueuedOrder["lines"],
			}));
	}

	private levels(): StockLevel[] {
		const today = this.meta("stock_date") ?? "";
		const reserved = new Map<string, number>();
		for (const row of this.sql.exec<{ taken: string }>(
			"SELECT taken FROM reservations WHERE business_date = ?",
			today,
		)) {
			for (const take of JSON.parse(row.taken) as Take[]) {
				reserved.set(stockKey(take), (reserved.get(stockKey(take)) ?? 0) + take.units);
			}
		}
		return this.sql
			.exec<StockRow>("SELECT item_id, option_id, count FROM stock ORDER BY item_id, option_id")
			.toArray()
			.map((row) => {
				const key = { itemId: row.item_id, optionId: row.option_id || null };
				return { ...key, onHand: row.count, reserved: reserved.get(stockKey(key)) ?? 0 };
			});
	}

	private prepTimes(): PrepTimeModel {
		const stored = this.meta("prep_times");
		return stored ? (JSON.parse(stored) as PrepTimeModel) : DEFAULT_PREP_TIMES;
	}

	private meta(key: string): string | undefined {
		return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
	}

	private setMeta(key: string, value: string): void {
		this.sql.exec(
			"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			key,
			value,
		);
	}

	/**
	 * Stores the sold-out flags a change owes the catalogue, in the change's own
	 * transaction: the latest flag per item wins, so a sell-out and a restock
	 * in quick succession end on the right one.
	 */
	private recordSoldOutChanges(
		before: ReadonlyMap<string, number | null>,
		now: number,
	): { itemId: string; soldOut: boolean }[] {
		const changes = soldOutChanges(before, this.itemCounts());
		for (const change of changes) {
			this.sql.exec(
				"INSERT INTO menu_sync (item_id, sold_out, next_attempt_at) VALUES (?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET sold_out = excluded.sold_out, attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = NULL",
				change.itemId,
				change.soldOut ? 1 : 0,
				now,
			);
		}
		return changes;
	}

	/** Writes owed flags after the answer; the alarm is the backstop if this instance does not get to. */
	private syncSoon(changes: unknown[]): void {
		if (changes.length === 0) return;
		this.syncLater(changes);
		this.ctx.waitUntil(this.syncMenu());
	}

	private syncLater(changes: unknown[]): void {
		if (changes.length === 0) return;
		void this.ctx.storage.setAlarm(Date.now() + 60_000);
	}

	/** Writes every owed sold-out flag to D1 (with its menu version bump), then publishes the menu to KV. */
	private syncMenu(): Promise<void> {
		if (this.syncing) return this.syncing.then(() => this.syncMenu());
		this.syncing = this.runMenuSync().finally(() => {
			this.syncing = null;
		});
		return this.syncing;
	}

	private async runMenuSync(): Promise<void> {
		const due = this.sql
			.exec<{ item_id: string; sold_out: number; attempts: number }>(
				"SELECT item_id, sold_out, attempts FROM menu_sync WHERE next_attempt_at <= ?",
				Date.now(),
			)
			.toArray();
		if (due.length === 0) return;
		const slug = this.ctx.id.name;
		if (!slug) {
			console.error("location kitchen without a name: sold-out flags cannot be written");
			return;
		}
		try {
			const db = database(this.env.DB);
			// No price in the patch, so the location's currency is not needed.
			for (const row of due) await updateItem(db, slug, "", row.item_id, { soldOut: row.sold_out === 1 });
			await publishMenu(this.env, slug);
			// Done, unless a later change owes another flag meanwhile.
			for (const row of due) {
				this.sql.exec("DELETE FROM menu_sync WHERE item_id = ? AND sold_out = ?", row.item_id, row.sold_out);
			}
		} catch (error) {
			for (const row of due) {
				this.sql.exec(
					"UPDATE menu_sync SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE item_id = ? AND sold_out = ?",
					row.attempts + 1,
					Date.now() + menuSyncDelayMs(row.attempts + 1),
					errorText(error),
					row.item_id,
					row.sold_out,
				);
			}
			console.error(
				JSON.stringify({ message: "sold-out flags not written; retrying", location: slug, error: errorText(error) }),
			);
		}
		const next = this.nextSyncAt();
		if (next !== null) await this.ctx.storage.setAlarm(next);
	}

	private nextSyncAt(): number | null {
		return this.sql.exec<{ next: number | null }>("SELECT min(next_attempt_at) AS next FROM menu_sync").one().next;
	}
}
