/**
 * The location's stock for the kitchen: what is on hand of each tracked item
 * (reservations taken off), a restock input per row for a delivery, and for
 * managers a recount of any item and the counts tomorrow opens with. An item
 * at 0 is sold out on the menu until it is restocked.
 */
import { useEffect, useState } from "preact/hooks";
import { fetchMenuFromOrigin } from "../api/endpoints";
import { request } from "../api/http";
import type { Location, Menu } from "../api/types";
import { ErrorMessage } from "../components/page";
import { useI18n } from "../i18n";
import { kitchenErrorText } from "../i18n/kitchen-errors";
import { announce } from "../state/announcer";
import { canEditMenu } from "../state/session";
import { KitchenLoading, KitchenShell } from "./kitchen-shell";

interface StockLevel {
	itemId: string;
	optionId: string | null;
	name: string;
	onHand: number;
	reserved: number;
	soldOut: boolean;
}

interface StockEntry {
	itemId: string;
	optionId: string | null;
	count: number | null;
}

interface StockList {
	date: string;
	timeZone: string;
	levels: StockLevel[];
	opening: { date: string; entries: StockEntry[] };
}

const rowKey = (entry: { itemId: string; optionId: string | null }) => `${entry.itemId}:${entry.optionId ?? ""}`;
const stockPath = (slug: string) => `/api/v1/locations/${encodeURIComponent(slug)}/stock`;

/** A whole number of units typed in a field, or null when it is empty or not one. */
function units(value: string): number | null {
	const trimmed = value.trim();
	if (!/^\d+$/.test(trimmed)) return null;
	return Number(trimmed);
}

function StockBoard({ location, manager }: { location: Location; manager: boolean }) {
	const { t, intl } = useI18n();
	/** A YYYY-MM-DD date of the location's calendar, in the chosen language ("7 Dec 2026", "2026/12/07"). */
	const day = (date: string) =>
		intl.formatDate(new Date(`${date}T12:00:00Z`), { dateStyle: "medium", timeZone: "UTC" });
	const [stock, setStock] = useState<StockList | null>(null);
	const [menu, setMenu] = useState<Menu | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [restock, setRestock] = useState<Record<string, string>>({});
	const [opening, setOpening] = useState<Record<string, string>>({});
	const [recount, setRecount] = useState({ itemId: "", count: "" });
	const [busy, setBusy] = useState(false);

	const show = (list: StockList) => {
		setStock(list);
		setOpening(
			Object.fromEntries(
				list.opening.entries.map((entry) => [rowKey(entry), entry.count === null ? "" : String(entry.count)]),
			),
		);
	};

	useEffect(() => {
		setStock(null);
		request<StockList>(stockPath(location.slug))
			.then(show)
			.catch((failure) => setError(kitchenErrorText(failure)));
		if (manager) fetchMenuFromOrigin(location.slug).then(setMenu, () => setMenu(null));
	}, [location.slug, manager]);

	const run = async (action: () => Promise<StockList | undefined>, done: string) => {
		setBusy(true);
		setError(null);
		try {
			const list = await action();
			if (list) show(list);
			announce(done);
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	if (!stock) return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("kitchen.stock.loading")} />;

	const addDelivery = (level: StockLevel) => {
		const add = units(restock[rowKey(level)] ?? "");
		if (!add) {
			setError(t("kitchen.stock.restockInvalid", { name: level.name }));
			return;
		}
		void run(
			async () => {
				const list = await request<StockList>(`${stockPath(location.slug)}/restock`, {
					method: "POST",
					body: { entries: [{ itemId: level.itemId, optionId: level.optionId, add }] },
				});
				setRestock((current) => ({ ...current, [rowKey(level)]: "" }));
				return list;
			},
			t("kitchen.stock.added", { count: add, name: level.name }),
		);
	};

	const saveOpening = (event: Event) => {
		event.preventDefault();
		const entries: StockEntry[] = [];
		for (const level of stock.levels) {
			const typed = opening[rowKey(level)] ?? "";
			if (typed.trim() === "") continue;
			const count = units(typed);
			if (count === null) {
				setError(t("kitchen.stock.openingInvalid", { name: level.name }));
				return;
			}
			entries.push({ itemId: level.itemId, optionId: level.optionId, count });
		}
		void run(
			async () => {
				await request(`${stockPath(location.slug)}/opening/${stock.opening.date}`, {
					method: "PUT",
					body: { entries },
				});
				return request<StockList>(stockPath(location.slug));
			},
			t("kitchen.stock.openingSaved", { date: day(stock.opening.date) }),
		);
	};

	const saveRecount = (event: Event) => {
		event.preventDefault();
		const count = units(recount.count);
		if (!recount.itemId || count === null) {
			setError(t("kitchen.stock.recountInvalid"));
			return;
		}
		void run(async () => {
			const list = await request<StockList>(stockPath(location.slug), {
				method: "PUT",
				body: { entries: [{ itemId: recount.itemId, optionId: null, count }] },
			});
			setRecount({ itemId: "", count: "" });
			return list;
		}, t("kitchen.stock.countSaved"));
	};

	const items = menu?.categories.flatMap((category) => category.items) ?? [];

	return (
		<div class="kitchen-stock">
			<ErrorMessage message={error} />
			<p class="muted">{t("kitchen.stock.intro", { date: day(stock.date) })}</p>
			{stock.levels.length === 0 ? (
				<p>{manager ? t("kitchen.stock.noneManager") : t("kitchen.stock.none")}</p>
			) : (
				<table>
					<thead>
						<tr>
							<th scope="col">{t("kitchen.stock.item")}</th>
							<th scope="col">{t("kitchen.stock.onHand")}</th>
							<th scope="col">{t("kitchen.stock.held")}</th>
							<th scope="col">{t("kitchen.stock.delivery")}</th>
						</tr>
					</thead>
					<tbody>
						{stock.levels.map((level) => (
							<tr key={rowKey(level)}>
								<th scope="row">
									{level.name} {level.soldOut && <span class="muted">{t("kitchen.stock.soldOut")}</span>}
								</th>
								<td>{level.onHand}</td>
								<td>{level.reserved}</td>
								<td>
									<label class="visually-hidden" for={`restock-${rowKey(level)}`}>
										{t("kitchen.stock.restockLabel", { name: level.name })}
									</label>
									<input
										id={`restock-${rowKey(level)}`}
										type="number"
										min={1}
										inputMode="numeric"
										value={restock[rowKey(level)] ?? ""}
										onInput={(event) =>
											setRestock((current) => ({ ...current, [rowKey(level)]: event.currentTarget.value }))
										}
									/>{" "}
									<button type="button" disabled={busy} onClick={() => addDelivery(level)}>
										{t("kitchen.stock.add")}
									</button>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}

			{manager && (
				<form onSubmit={saveRecount} aria-labelledby="recount-heading">
					<h2 id="recount-heading">{t("kitchen.stock.recount")}</h2>
					<div class="field">
						<label for="recount-item">{t("kitchen.stock.item")}</label>
						<select
							id="recount-item"
							value={recount.itemId}
							onChange={(event) => setRecount((current) => ({ ...current, itemId: event.currentTarget.value }))}
						>
							<option value="">{t("kitchen.stock.chooseItem")}</option>
							{items.map((item) => (
								<option key={item.id} value={item.id}>
									{item.name}
								</option>
							))}
						</select>
					</div>
					<div class="field">
						<label for="recount-count">{t("kitchen.stock.unitsOnHand")}</label>
						<input
							id="recount-count"
							type="number"
							min={0}
							inputMode="numeric"
							value={recount.count}
							onInput={(event) => setRecount((current) => ({ ...current, count: event.currentTarget.value }))}
						/>
					</div>
					<button type="submit" disabled={busy}>
						{t("kitchen.stock.saveCount")}
					</button>
				</form>
			)}

			{manager && stock.levels.length > 0 && (
				<form onSubmit={saveOpening} aria-labelledby="opening-heading">
					<h2 id="opening-heading">{t("kitchen.stock.opening", { date: day(stock.opening.date) })}</h2>
					<p class="muted">{t("kitchen.stock.openingHint")}</p>
					{stock.levels.map((level) => (
						<div class="field" key={rowKey(level)}>
							<label for={`opening-${rowKey(level)}`}>{level.name}</label>
							<input
								id={`opening-${rowKey(level)}`}
								type="number"
								min={0}
								inputMode="numeric"
								value={opening[rowKey(level)] ?? ""}
								onInput={(event) =>
									setOpening((current) => ({ ...current, [rowKey(level)]: event.currentTarget.value }))
								}
							/>
						</div>
					))}
					<button type="submit" disabled={busy}>
						{t("kitchen.stock.saveOpening")}
					</button>
				</form>
			)}
		</div>
	);
}

export function KitchenStockPage() {
	const { t } = useI18n();
	return (
		<KitchenShell title={t("kitchen.stock.title")} current="stock">
			{({ location, profile }) => (
				<StockBoard key={location.slug} location={location} manager={canEditMenu(profile.role)} />
			)}
		</KitchenShell>
	);
}
