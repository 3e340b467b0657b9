/**
 * A simulated kitchen, for measuring the ready-time predictor: orders arrive
 * through the day (a lunch and a dinner rush, busier at the weekend), each
 * item has its own true preparation time around its category's mean, and a
 * limited crew works the orders first come, first served. The crew is
 * scheduled by hour and never quite matches the rush, and a crowded kitchen
 * works slower per order. What the records show is what a real location's
 * history shows: placed, confirmed and ready times and the lines; the truth
 * (item times, crew) stays inside. Everything follows from the seed.
 */
import { Random } from "./synthetic";

export interface KitchenItem {
	id: string;
	categoryId: string;
	/** True minutes to prepare one unit, unseen by the predictor. */
	trueMinutes: number;
	/** Relative popularity. */
	appeal: number;
}

export interface KitchenLineRecord {
	itemId: string;
	categoryId: string;
	quantity: number;
}

export interface KitchenOrderRecord {
	orderId: string;
	/** Epoch ms. */
	placedAt: number;
	confirmedAt: number;
	/** When a cook started on it. */
	startedAt: number;
	readyAt: number;
	/** The location's local hour at placement. */
	localHour: number;
	lines: KitchenLineRecord[];
	/** What the cook typed in the confirm dialog: epoch ms (confirmation plus the minutes typed). */
	typedReadyAt: number;
}

export interface KitchenDay {
	/** Day number from the first simulated day; day 0 is a Monday. */
	day: number;
	/** Epoch ms of the day's local midnight (the simulated location keeps UTC). */
	midnight: number;
	/** In order of placement. */
	orders: KitchenOrderRecord[];
}

/** Mean minutes per unit by category: what a kitchen of this kind takes. */
export const CATEGORY_MEANS: Record<string, number> = {
	"cat-mains": 11,
	"cat-pizzas": 9,
	"cat-sides": 5,
	"cat-salads": 4,
	"cat-desserts": 3,
	"cat-drinks": 1,
};

const ITEMS_PER_CATEGORY: Record<string, number> = {
	"cat-mains": 10,
	"cat-pizzas": 6,
	"cat-sides": 6,
	"cat-salads": 4,
	"cat-desserts": 4,
	"cat-drinks": 6,
};

/** Orders an hour on a weekday, by local hour; open 11:00–22:00. */
const ARRIVALS_PER_HOUR = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 20, 17, 8, 5, 6, 10, 20, 22, 15, 7, 0, 0];
/** Orders the crew can have on the go at once, by local hour, on a weekday; the weekend rushes get two more. */
const CREW_CAPACITY = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 8, 5, 4, 4, 6, 9, 9, 8, 5, 0, 0];
const WEEKEND_RUSH_HOURS = [12, 13, 18, 19, 20];
/** With more tickets than this waiting, a floater jumps on the line (two more places). */
const FLOATER_QUEUE = 10;
const OPEN_HOUR = 11;
const CLOSE_HOUR = 22;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** 2026-01-05, a Monday, at 00:00 UTC. */
const FIRST_MIDNIGHT = Date.UTC(2026, 0, 5);

export function kitchenMenu(seed: number): KitchenItem[] {
	const random = new Random(seed ^ 0x5eed);
	const items: KitchenItem[] = [];
	for (const [categoryId, count] of Object.entries(ITEMS_PER_CATEGORY)) {
		const mean = CATEGORY_MEANS[categoryId] ?? 8;
		for (let index = 1; index <= count; index++) {
			items.push({
				id: `${categoryId.slice(4)}-${index}`,
				categoryId,
				// Items of a category differ: a steak is not a burger.
				trueMinutes: mean * Math.exp(0.3 * random.normal()),
				appeal: Math.exp(0.7 * random.normal()),
			});
		}
	}
	return items;
}

function pick(random: Random, items: KitchenItem[], categoryId: string): KitchenItem {
	const pool = items.filter((item) => item.categoryId === categoryId);
	return random.weighted(pool, (item) => item.appeal) ?? pool[0];
}

/** A basket: usually a main or a pizza, often a side and a drink, sometimes two people's worth. */
function basket(random: Random, items: KitchenItem[]): KitchenLineRecord[] {
	const chosen: KitchenItem[] = [];
	const people = random.chance(0.3) ? 2 + random.int(3) : 1;
	for (let person = 0; person < people; person++) {
		const roll = random.next();
		if (roll < 0.5) chosen.push(pick(random, items, "cat-mains"));
		else if (roll < 0.8) chosen.push(pick(random, items, "cat-pizzas"));
		else chosen.push(pick(random, items, "cat-salads"));
		if (random.chance(0.5)) chosen.push(pick(random, items, "cat-sides"));
		if (random.chance(0.6)) chosen.push(pick(random, items, "cat-drinks"));
		if (random.chance(0.15)) chosen.push(pick(random, items, "cat-desserts"));
	}
	const lines = new Map<string, KitchenLineRecord>();
	for (const item of chosen) {
		const line = lines.get(item.id) ?? { itemId: item.id, categoryId: item.categoryId, quantity: 0 };
		line.quantity += 1;
		lines.set(item.id, line);
	}
	return [...lines.values()];
}

/**
 * The true minutes a cook spends on an order: its lines go on in parallel
 * (the slowest sets the pace, the others add some handling), more units of an
 * item take longer but not proportionally, and every order varies.
 */
function trueWork(random: Random, lines: KitchenLineRecord[], byId: Map<string, KitchenItem>): number {
	const times = lines
		.map((line) => (byId.get(line.itemId)?.trueMinutes ?? 8) * (1 + 0.3 * (line.quantity - 1)))
		.sort((a, b) => b - a);
	const handling = times.slice(1).reduce((sum, time) => sum + 0.3 * time, 0);
	return (1 + (times[0] ?? 0) + handling) * Math.exp(0.2 * random.normal());
}

export interface KitchenDaysOptions {
	seed: number;
	days: number;
	/** Day number of the first day generated (0 is a Monday), so held-out days can follow training days from the same menu. */
	firstDay?: number;
	/** Scales every hour's arrivals. */
	volume?: number;
}

/**
 * Simulates whole days at one location. Each order is confirmed a minute or
 * few after placement (longer when the kitchen is swamped), waits for a free
 * place on the line in order of confirmation, and is ready when its work is
 * done; work slows by up to a third as the kitchen fills. At confirmation the
 * cook types an ETA: often the dialog's 15 left as it is, otherwise a guess
 * from the tickets on the rail, rounded to 5 minutes.
 */
export function simulateKitchenDays(options: KitchenDaysOptions): { menu: KitchenItem[]; days: KitchenDay[] } {
	const menu = kitchenMenu(options.seed);
	const byId = new Map(menu.map((item) => [item.id, item]));
	const days: KitchenDay[] = [];
	const firstDay = options.firstDay ?? 0;
	for (let offset = 0; offset < options.days; offset++) {
		const day = firstDay + offset;
		const random = new Random((options.seed * 7919 + day * 104_729) >>> 0);
		const weekday = day % 7;
		const dayVolume =
			(options.volume ?? 1) *
			(weekday === 4 ? 1.3 : weekday === 5 ? 1.2 : weekday === 6 ? 1.1 : 1) *
			Math.exp(0.15 * random.normal());
		days.push(simulateDay(random, day, dayVolume, menu, byId));
	}
	return { menu, days };
}

function simulateDay(
	random: Random,
	day: number,
	volume: number,
	menu: KitchenItem[],
	byId: Map<string, KitchenItem>,
): KitchenDay {
	const midnight = FIRST_MIDNIGHT + day * DAY_MS;
	// Arrivals: a Poisson process whose rate follows the hour (thinning).
	const peak = Math.max(...ARRIVALS_PER_HOUR) * volume;
	const placements: number[] = [];
	let minute = OPEN_HOUR * 60;
	while (minute < CLOSE_HOUR * 60) {
		minute += -Math.log(1 - random.next()) * (60 / peak);
		const rate = (ARRIVALS_PER_HOUR[Math.floor(minute / 60)] ?? 0) * volume;
		if (minute < CLOSE_HOUR * 60 && random.next() < rate / peak) placements.push(minute);
	}

	interface Ticket {
		record: KitchenOrderRecord;
		work: number;
	}
	const tickets: Ticket[] = placements.map((placed, index) => {
		const lines = basket(random, menu);
		const record: KitchenOrderRecord = {
			orderId: `d${day}-o${index + 1}`,
			placedAt: midnight + placed * MINUTE_MS,
			confirmedAt: 0,
			startedAt: 0,
			readyAt: 0,
			localHour: Math.floor(placed / 60),
			lines,
			typedReadyAt: 0,
		};
		return { record, work: trueWork(random, lines, byId) };
	});

	// Event-driven FIFO: the line has as many places as the crew on at the hour.
	const running: { endsAt: number }[] = [];
	const waiting: Ticket[] = [];
	let next = 0;
	const weekend = day % 7 >= 4;
	const capacityAt = (at: number) => {
		const hour = Math.floor((at - midnight) / 3_600_000);
		const scheduled = Math.max(2, CREW_CAPACITY[hour] ?? 2) + (weekend && WEEKEND_RUSH_HOURS.includes(hour) ? 2 : 0);
		return scheduled + (waiting.length > FLOATER_QUEUE ? 2 : 0);
	};

	// Confirmation: the cook glances at the tablet; with more tickets on the rail it takes longer.
	for (const ticket of tickets) {
		const placed = ticket.record.placedAt;
		const load = tickets.filter(
			(other) => other.record.placedAt < placed && other.record.placedAt > placed - 15 * MINUTE_MS,
		).length;
		ticket.record.confirmedAt =
			ticket.record.placedAt + (0.5 + -Math.log(1 - random.next()) * (1 + 0.15 * load)) * MINUTE_MS;
	}
	const queue = [...tickets].sort((a, b) => a.record.confirmedAt - b.record.confirmedAt);
	let clock = midnight;
	while (next < queue.length || waiting.length > 0 || running.length > 0) {
		const arrival = next < queue.length ? queue[next].record.confirmedAt : Number.POSITIVE_INFINITY;
		const finish = running.length > 0 ? Math.min(...running.map((job) => job.endsAt)) : Number.POSITIVE_INFINITY;
		clock = Math.min(arrival, finish);
		if (finish <= arrival) {
			running.splice(
				running.findIndex((job) => job.endsAt === finish),
				1,
			);
		} else {
			const ticket = queue[next++];
			// The ETA the cook types at confirmation, from the rail as they see it.
			const onRail = running.length + waiting.length;
			ticket.record.typedReadyAt =
				ticket.record.confirmedAt +
				(random.chance(0.4)
					? 15
					: Math.min(60, Math.max(10, Math.round(((10 + 2.5 * onRail) * Math.exp(0.25 * random.normal())) / 5) * 5))) *
					MINUTE_MS;
			waiting.push(ticket);
		}
		while (waiting.length > 0 && running.length < capacityAt(clock)) {
			const ticket = waiting.shift() as Ticket;
			// A crowded kitchen slows everyone down: more tickets, more juggling.
			const crowding = 1 + Math.min(1 / 3, (running.length + waiting.length) / 18);
			ticket.record.startedAt = clock;
			ticket.record.readyAt = clock + ticket.work * crowding * MINUTE_MS;
			running.push({ endsAt: ticket.record.readyAt });
		}
	}
	return { day, midnight, orders: tickets.map((ticket) => ticket.record) };
}
