/**
 * The demo's languages and photos: every Tokyo and New York name has its
 * translation, and every item gets a picture of its own; the demo's four
 * weeks of finished orders add up and match the sales. Run with
 * `npx vitest run scripts/seed` (the unit project).
 */
import assert from "node:assert/strict";
import sharp from "sharp";
import { describe, it } from "vitest";
import { addDays } from "../../workers/api/src/intelligence/domain/calendar";
import { localClock } from "../../workers/api/src/menu/domain/availability";
import { DEMO_LOCATIONS } from "./demo-catalogue";
import { demoHistoryPlan, demoSalesHistory } from "./demo-history";
import { DEMO_ORDER_DAYS, type DemoOrder, demoOrderStatements, FINISHED_STATUSES } from "./demo-orders";
import { dishKind, PHOTO_HEIGHT, PHOTO_WIDTH, photoSvg, renderPhoto } from "./demo-photos";
import { inLanguage, TOKYO_JAPANESE } from "./demo-translations";
import { demoSeedStatements } from "./sql";
import type { SeedLocation } from "./types";

const location = (slug: string) => DEMO_LOCATIONS.find((candidate) => candidate.slug === slug) as SeedLocation;

/** Every translatable thing of a location's menu: its base text and its translations. */
function texts(seed: SeedLocation) {
	return seed.categories.flatMap((category) => [
		category,
		...category.items.flatMap((item) => [item, ...item.modifierGroups.flatMap((group) => [group, ...group.options])]),
	]);
}

describe("the demo menus' languages", () => {
	it("writes Tokyo's menu in Japanese, with every name in English beside it", () => {
		const tokyo = location("tokyo-shibuya");
		assert.equal(tokyo.defaultLanguage, "ja");
		assert.deepEqual(tokyo.languages, ["ja", "en"]);
		const tamago = tokyo.categories[0].items.find((item) => item.id === "itm-tyo-tamago-sando");
		assert.equal(tamago?.name, "たまごサンド");
		assert.equal(tamago?.translations?.en?.name, "Tamago Sando");
		for (const text of texts(tokyo)) {
			assert.match(text.name, /[\u3040-\u30ff\u4e00-\u9fff]/, `${text.name} is not Japanese`);
			assert.ok(text.translations?.en?.name, `${text.name} has no English name`);
		}
	});

	it("offers New York's menu in Spanish beside its English", () => {
		const chelsea = location("new-york-chelsea");
		assert.equal(chelsea.defaultLanguage, "en");
		assert.deepEqual(chelsea.languages, ["en", "es"]);
		for (const text of texts(chelsea)) assert.ok(text.translations?.es?.name, `${text.name} has no Spanish name`);
		const pancakes = chelsea.categories[0].items.find((item) => item.id === "itm-nyc-pancakes");
		assert.equal(pancakes?.translations?.es?.name, "Panqueques de suero de leche");
	});

	it("keeps London in English only", () => {
		const soho = location("london-soho");
		assert.deepEqual([soho.defaultLanguage, soho.languages], ["en", ["en"]]);
		for (const text of texts(soho)) assert.equal(text.translations, undefined);
	});

	it("refuses to seed a name the dictionary does not translate", () => {
		const soho = location("london-soho");
		const [category] = soho.categories;
		const english: SeedLocation = {
			...soho,
			categories: [
				{
					...category,
					id: "cat-tyo-sweets",
					items: [{ ...category.items[0], id: "itm-tyo-dorayaki", modifierGroups: [] }],
				},
			],
		};
		assert.equal(inLanguage(english, "ja", TOKYO_JAPANESE).categories[0].items[0].name, "どら焼き");
		const dictionary = { ...TOKYO_JAPANESE, items: { ...TOKYO_JAPANESE.items } };
		delete dictionary.items["itm-tyo-dorayaki"];
		assert.throws(() => inLanguage(english, "ja", dictionary), /no translation of item "itm-tyo-dorayaki"/);
	});

	it("writes the translations and languages into the seed's SQL, and no image", () => {
		const sql = demoSeedStatements().join("\n");
		assert.match(sql, /'ja', '\["ja","en"\]'/);
		assert.match(sql, /"en":\{"name":"Tamago Sando"/);
		assert.doesNotMatch(sql, /menu\/tokyo-shibuya\/.*\.jpg/);
	});
});

describe("the demo photos", () => {
	const items = DEMO_LOCATIONS.flatMap((seed) =>
		seed.categories.flatMap((category) => category.items.map((item) => ({ slug: seed.slug, id: item.id }))),
	);

	it("draws every item without text, as a machine may have no fonts", () => {
		for (const item of items) assert.doesNotMatch(photoSvg(item.id, item.slug), /<text/);
	});

	it("draws drinks as drinks and bowls as bowls", () => {
		assert.equal(dishKind("itm-tyo-matcha-latte"), "cup");
		assert.equal(dishKind("itm-tyo-yuzu-soda"), "glass");
		assert.equal(dishKind("itm-tyo-katsu-curry"), "bowl");
		assert.equal(dishKind("itm-tyo-salmon-onigiri"), "onigiri");
		assert.equal(dishKind("itm-tyo-tamago-sando"), "sandwich");
		assert.equal(dishKind("itm-tyo-matcha-roll"), "cake");
	});

	it("renders a WebP of the photo's size, the same bytes every time and different for each item", async () => {
		const sample = items.filter((_, index) => index % 9 === 0);
		const rendered = await Promise.all(sample.map((item) => renderPhoto(item.id, item.slug)));
		for (const bytes of rendered) {
			const meta = await sharp(bytes).metadata();
			assert.deepEqual([meta.format, meta.width, meta.height], ["webp", PHOTO_WIDTH, PHOTO_HEIGHT]);
		}
		assert.equal(new Set(rendered.map((bytes) => bytes.toString("base64"))).size, sample.length);
		assert.ok((await renderPhoto(sample[0].id, sample[0].slug)).equals(rendered[0]));
	});
});

describe("the demo orders", () => {
	const today = "2030-03-20";
	const histories = DEMO_LOCATIONS.map((seed) => ({ seed, history: demoSalesHistory(seed, today) }));
	const orders = histories.flatMap(({ history }) => history.orders);

	it("are all finished, so no kitchen sees one as work to do", () => {
		assert.ok(orders.length > 1000);
		for (const order of orders) {
			assert.ok((FINISHED_STATUSES as readonly string[]).includes(order.status), `${order.id} is ${order.status}`);
			assert.equal(order.history.at(-1)?.status, order.status);
			assert.equal(order.history[order.lastSequence - 1].status, order.status);
		}
		const statuses = new Set(orders.map((order) => order.status));
		assert.deepEqual([...statuses].sort(), ["cancelled", "delivered", "picked_up", "rejected"]);
		const lost = orders.filter((order) => order.status === "cancelled" || order.status === "rejected");
		// A few percent, each with its reason, out of the sales and never ready.
		assert.ok(lost.length / orders.length > 0.01 && lost.length / orders.length < 0.1);
		for (const order of lost) {
			assert.ok(order.cancelReason);
			assert.equal(order.countedInSales, false);
			assert.equal(order.readyAt, null);
		}
	});

	it("add up: subtotal from the lines, tax added only where prices exclude it, fee and tip", () => {
		for (const { seed, history } of histories) {
			for (const order of history.orders) {
				const { totals } = order;
				assert.equal(totals.currency, seed.currency);
				for (const line of order.lines) {
					const options = line.options.reduce((sum, option) => sum + option.priceDelta, 0);
					assert.equal(line.lineTotal, line.quantity * line.unitPrice);
					const item = seed.categories.flatMap((category) => category.items).find((i) => i.id === line.itemId);
					assert.equal(line.unitPrice, (item?.priceMinor ?? Number.NaN) + options);
				}
				assert.equal(
					totals.subtotal,
					order.lines.reduce((sum, line) => sum + line.lineTotal, 0),
				);
				assert.equal(totals.taxIncluded, seed.pricesIncludeTax);
				assert.equal(
					totals.total,
					totals.subtotal + (totals.taxIncluded ? 0 : totals.tax) + totals.deliveryFee + totals.tip,
				);
				assert.equal(totals.deliveryFee, order.fulfilment === "delivery" ? seed.deliveryFeeMinor : 0);
				assert.ok(totals.tax > 0 && Number.isInteger(totals.tax));
				assert.equal(order.capturedMinor, order.countedInSales ? totals.total : 0);
			}
		}
	});

	it("have ids of their location's region, unique, and guests at example.com", () => {
		for (const { seed, history } of histories) {
			for (const order of history.orders) {
				assert.match(order.id, new RegExp(`^ord_${seed.region}_[0-9a-f]{32}$`));
				assert.match(order.customerRef, /^email:guest-[a-z-]+-\d{4}@example\.com$/);
				assert.equal(order.customerRef, `email:${order.contactEmail}`);
			}
		}
		assert.equal(new Set(orders.map((order) => order.id)).size, orders.length);
		const events = orders.flatMap((order) => order.history.map((row) => row.eventId));
		assert.equal(new Set(events).size, events.length);
	});

	it("are placed on the window's local days, in opening hours, and ready 6–26 minutes later", () => {
		for (const { seed, history } of histories) {
			for (const order of history.orders) {
				assert.ok(order.businessDate >= addDays(today, -DEMO_ORDER_DAYS) && order.businessDate < today);
				const placed = localClock(new Date(order.placedAt), seed.timeZone);
				assert.equal(placed.date, order.businessDate);
				const hours = seed.openingHours[placed.weekday] ?? [];
				assert.ok(
					hours.some(({ opens, closes }) => placed.time >= opens && (closes <= opens || placed.time < closes)),
					`${order.id} placed at ${placed.time} on a ${placed.weekday}`,
				);
				const times = order.history.map((row) => Date.parse(row.occurredAt));
				assert.deepEqual(
					times,
					[...times].sort((a, b) => a - b),
				);
				assert.deepEqual(
					order.history.map((row) => row.sequence),
					order.history.map((_, index) => index + 1),
				);
				if (order.readyAt) {
					const minutes = (Date.parse(order.readyAt) - Date.parse(order.placedAt)) / 60_000;
					assert.ok(minutes >= 6 && minutes <= 26, `${order.id} ready after ${minutes} minutes`);
					assert.equal(order.history.find((row) => row.status === "ready")?.occurredAt, order.readyAt);
					assert.ok(order.completedAt && order.completedAt > order.readyAt);
				}
			}
		}
	});

	it("hold exactly the day's sales: every unit on one line of a counted order, each item once an order", () => {
		for (const { history } of histories) {
			const fromOrders = new Map<string, number>();
			for (const order of history.orders.filter((candidate) => candidate.countedInSales)) {
				const items = order.lines.map((line) => line.itemId);
				assert.equal(new Set(items).size, items.length);
				assert.ok(items.length >= 1 && items.length <= 4);
				for (const line of order.lines) {
					const key = `${order.businessDate}:${line.itemId}`;
					fromOrders.set(key, (fromOrders.get(key) ?? 0) + line.quantity);
				}
			}
			const sold = new Map<string, number>();
			for (const [itemId, days] of history.items) {
				for (const { date, units } of days)
					if (date >= addDays(today, -DEMO_ORDER_DAYS)) sold.set(`${date}:${itemId}`, units);
			}
			assert.deepEqual(new Map([...fromOrders].sort()), new Map([...sold].sort()));
		}
	});

	it("predict the ready time closely most of the time, and are slower in busy hours", () => {
		const ready = orders.filter((order): order is DemoOrder & { readyAt: string } => order.readyAt !== null);
		const misses = ready.map(
			(order) => Math.abs(Date.parse(order.readyAt) - Date.parse(order.predictedReadyAt)) / 1000,
		);
		const within = misses.filter((seconds) => seconds <= 300).length / misses.length;
		assert.ok(within > 0.75 && within < 0.99, `${within} within five minutes`);
		const prep = (order: DemoOrder & { readyAt: string }) => Date.parse(order.readyAt) - Date.parse(order.placedAt);
		const hour = (order: DemoOrder) => Number(localClock(new Date(order.placedAt), "Europe/London").time.slice(0, 2));
		const london = ready.filter((order) => order.locationSlug === "london-soho");
		const mean = (some: typeof london) => some.reduce((sum, order) => sum + prep(order), 0) / some.length;
		assert.ok(mean(london.filter((order) => hour(order) === 12)) > mean(london.filter((order) => hour(order) === 16)));
	});

	it("are the same for a day whatever day the seed runs", () => {
		const soho = histories[0].seed;
		const earlier = demoSalesHistory(soho, addDays(today, -3)).orders;
		const day = addDays(today, -5);
		const onDay = (list: DemoOrder[]) => list.filter((order) => order.businessDate === day);
		assert.ok(onDay(earlier).length > 0);
		assert.deepEqual(onDay(earlier), onDay(histories[0].history.orders));
	});

	it("are written as finished rows into their region's database, with the sales counted from them", () => {
		const plan = demoHistoryPlan(new Date("2030-03-20T12:00:00Z"));
		assert.deepEqual([...plan.regional.keys()].sort(), ["apac", "eu", "us"]);
		const eu = (plan.regional.get("eu") ?? []).join("\n");
		// Tested without printing the SQL (megabytes) when it fails.
		const has = (pattern: RegExp) => assert.ok(pattern.test(eu), `${pattern} in the eu SQL`);
		has(/INSERT INTO orders \(id, location_slug, status,/);
		has(
			/INSERT INTO order_status_history \(order_id, sequence, status, occurred_at, estimated_ready_at, reason, event_id\)/,
		);
		has(/INSERT INTO item_pairs [^;]*SELECT/);
		has(
			/DELETE FROM daily_item_sales WHERE location_slug = 'london-soho' AND business_date BETWEEN '2030-02-20' AND '2030-03-19'/,
		);
		has(/INSERT INTO daily_category_sales [^;]*SELECT [^;]*FROM orders o JOIN order_lines l/);
		assert.ok(!/ord_(us|apac)_/.test(eu), "another region's order in the eu SQL");
		assert.ok(
			!/'(placed|confirmed|preparing|ready|out_for_delivery)', '(pickup|delivery)'/.test(eu),
			"an unfinished order",
		);
		// Every statement stays under D1's 100 KB.
		for (const statement of demoOrderStatements(histories[0].history.orders)) assert.ok(statement.length < 100_000);
	});
});
