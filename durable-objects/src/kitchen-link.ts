/**
 * The Cart object's link to its location's kitchen object: the reservation a
 * checkout makes there (stock and slot, all or nothing), and the calls the
 * order owes it afterwards (its stock back when it will never be made, its
 * place in the queue when it is ready). An owed call is stored in the Cart's
 * own transaction with the event that owes it, made after the answer, and
 * retried by the Cart's alarm until it succeeds: declined, failed or expired
 * payments are never published, so the queue's consumers cannot do this.
 */
import { errorText } from "@goodfood/platform/log";
import { regionNamed } from "@goodfood/platform/regions";
import type { CallSpan } from "@goodfood/platform/rpc-span";
import { violation } from "@goodfood/platform/rule-violation";
import type { DraftLine } from "../../workers/api/src/cart/domain/lines";
import type { CatalogueItem } from "../../workers/api/src/cart/domain/pricing";
import { regionOfId } from "../../workers/api/src/cart/identity";
import type { KitchenProgress, ReservationAnswer, ReservationRequest } from "../../workers/api/src/kitchen/contract";
import { followingSlots, slotOf } from "../../workers/api/src/kitchen/domain/slots";
import { kitchenOf } from "../../workers/api/src/kitchen/kitchens";
import type { LocationSummary } from "../../workers/api/src/menu/domain/document";
import type { OrderEventData } from "../../workers/api/src/ordering/events";

/** A call the order owes its kitchen. One at a time: a release supersedes any progress. */
export type KitchenCall = { kind: "release" } | { kind: "progress"; progress: KitchenProgress; at: string };
/** A kitchen call as stored: for which order at which location, and when the alarm tries it next. */
type OwedKitchenCall = KitchenCall & { orderId: string; slug: string; nextAt: number };

const OWED_KEY = "kitchen-owed";
/** A kitchen call that failed is tried again by the alarm after this long. */
const RETRY_MS = 30_000;
/** Slots a full one offers instead. */
const ALTERNATIVE_SLOTS = 4;

/** What a status change owes the kitchen: stock back when the order will never be made, off the queue when it is. */
export function kitchenCallFor(type: OrderEventData["type"], at: Date): KitchenCall | null {
	if (type === "OrderRejected" || type === "OrderCancelled") return { kind: "release" };
	if (type === "OrderReady") return { kind: "progress", progress: "ready", at: at.toISOString() };
	if (type === "OrderPickedUp" || type === "OrderOutForDelivery" || type === "OrderDelivered") {
		return { kind: "progress", progress: "handed_over", at: at.toISOString() };
	}
	return null;
}

/** What a checkout asks of the kitchen: the lines as it counts them, and the slot its time falls in. */
export function reservationFor(
	orderId: string,
	location: LocationSummary,
	lines: DraftLine[],
	items: ReadonlyMap<string, CatalogueItem>,
	when: { at: Date; requestedFor: string | null },
	now: Date,
): ReservationRequest {
	return {
		orderId,
		lines: lines.map((line) => ({
			lineId: line.lineId,
			itemId: line.itemId,
			categoryId: items.get(line.itemId)?.categoryId ?? line.categoryId,
			optionIds: line.options.map((option) => option.optionId),
			quantity: line.quantity,
		})),
		placedAt: now.toISOString(),
		requestedFor: when.requestedFor,
		timeZone: location.timeZone,
		slot: { start: slotOf(when.at), capacity: location.slotCapacity },
		alternatives: followingSlots(location, when.at, ALTERNATIVE_SLOTS),
	};
}

export class KitchenLink {
	/** This instance's kitchen calls, one after another: a retried checkout's reservation never overtakes the release before it. */
	private calls: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly env: Env,
		/** Sets the Cart's alarm no later than this. */
		private readonly wakeBy: (at: number) => void,
	) {}

	/**
	 * Reserves the order's stock and slot; a refusal becomes the checkout's
	 * answer (the lines short, or the slots still free), and a kitchen that
	 * cannot be reached a 503 with a release owed, in case it reserved before
	 * its answer was lost.
	 */
	async reserve(
		request: ReservationRequest,
		lines: DraftLine[],
		slug: string,
		span: CallSpan,
	): Promise<Extract<ReservationAnswer, { ok: true }>> {
		// A new reservation replaces the old one: a release still owed for it is moot.
		if (this.owed()?.kind === "release") this.ctx.storage.kv.delete(OWED_KEY);
		const kitchen = this.kitchen(request.orderId, slug);
		let answer: ReservationAnswer;
		try {
			answer = await this.serially(async () => (await kitchen.reserve(request)) as ReservationAnswer);
		} catch (error) {
			this.owe({ kind: "release" }, request.orderId, slug);
			this.pay(span);
			span.log.error("kitchen reservation failed", { orderId: request.orderId, error: errorText(error) });
			throw violation("unavailable", "The kitchen could not be reached; nothing was ordered. Try again.");
		}
		if (answer.ok) return answer;
		if (answer.code === "out_of_stock") {
			const named = new Map(lines.map((line) => [line.lineId, line.name]));
			const what = [...new Set(answer.lines.map((line) => named.get(line.lineId) ?? line.itemId))].join(", ");
			throw violation("out_of_stock", `Not enough left of ${what}; change the quantity or remove it`, {
				lines: answer.lines,
			});
		}
		throw violation("slot_full", "That time is fully booked; choose another", { freeSlots: answer.freeSlots });
	}

	/** Stores a call the order owes, in the caller's transaction; a release supersedes progress. */
	owe(call: KitchenCall, orderId: string, slug: string): void {
		if (call.kind === "progress" && this.owed()?.kind === "release") return;
		const owed: OwedKitchenCall = { ...call, orderId, slug, nextAt: Date.now() + RETRY_MS };
		this.ctx.storage.kv.put(OWED_KEY, owed);
	}

	/** When the owed call is next due, or null when nothing is owed: the Cart's alarm and its idle cleanup read it. */
	nextDueAt(): number | null {
		return this.owed()?.nextAt ?? null;
	}

	/** Makes the owed call after the answer; the alarm retries it until it succeeds. */
	pay(span: CallSpan): void {
		const owed = this.owed();
		if (!owed) return;
		this.wakeBy(owed.nextAt);
		this.ctx.waitUntil(
			this.run(owed).catch((error: unknown) => {
				span.log.warn("kitchen call failed; the alarm retries it", {
					orderId: owed.orderId,
					kind: owed.kind,
					error: errorText(error),
				});
			}),
		);
	}

	/** The alarm's part: the owed call, when it is due. */
	async alarm(span: CallSpan): Promise<void> {
		const owed = this.owed();
		if (!owed || owed.nextAt > Date.now()) return;
		// Held back while it runs, so a failure leaves it due again later.
		const held = { ...owed, nextAt: Date.now() + RETRY_MS };
		this.ctx.storage.kv.put(OWED_KEY, held);
		try {
			await this.run(held);
		} catch (error) {
			span.log.warn("kitchen call failed; retrying", {
				orderId: owed.orderId,
				kind: owed.kind,
				error: errorText(error),
			});
		}
	}

	private owed(): OwedKitchenCall | undefined {
		return this.ctx.storage.kv.get<OwedKitchenCall>(OWED_KEY);
	}

	private async run(owed: OwedKitchenCall): Promise<void> {
		const kitchen = this.kitchen(owed.orderId, owed.slug);
		await this.serially(async () => {
			if (owed.kind === "release") await kitchen.release(owed.orderId);
			else await kitchen.progress(owed.orderId, owed.progress, owed.at);
		});
		// Done, unless another call was owed meanwhile.
		const current = this.owed();
		if (current && JSON.stringify(current) === JSON.stringify(owed)) this.ctx.storage.kv.delete(OWED_KEY);
	}

	private kitchen(orderId: string, slug: string) {
		return kitchenOf(this.env, regionNamed(this.env, regionOfId(orderId)), slug);
	}

	/** Runs a call to the kitchen after the ones this instance started before it. */
	private serially<T>(run: () => Promise<T>): Promise<T> {
		const result = this.calls.then(run, run);
		this.calls = result.catch(() => undefined);
		return result;
	}
}
