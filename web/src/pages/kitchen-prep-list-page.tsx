/**
 * The kitchen's prep list: what to prep for a day (tomorrow by default), each
 * item's expected units with its 80% range and stock on hand, from the
 * nightly forecast. Prints on its own: the print stylesheet hides everything
 * but the list.
 */
import { useEffect, useState } from "preact/hooks";
import { request } from "../api/http";
import type { Location } from "../api/types";
import { ErrorMessage } from "../components/page";
import { type MessageId, type Translator, useI18n } from "../i18n";
import { kitchenErrorText } from "../i18n/kitchen-errors";
import { KitchenLoading, KitchenShell } from "./kitchen-shell";

interface PrepItem {
	item: { id: string; name: string };
	category: { id: string; name: string };
	expected: number;
	lower80: number;
	upper80: number;
	predicted: number;
	model: "holt-winters" | "seasonal-naive" | "mean" | "category-share";
	stockOnHand: number | null;
}

interface PrepList {
	location: string;
	date: string;
	generatedAt: string | null;
	note: string | null;
	items: PrepItem[];
}

const MODEL_LABELS: Record<PrepItem["model"], MessageId> = {
	"holt-winters": "kitchen.prep.model.holtWinters",
	"seasonal-naive": "kitchen.prep.model.seasonalNaive",
	mean: "kitchen.prep.model.mean",
	"category-share": "kitchen.prep.model.categoryShare",
};

/** Calendar arithmetic on YYYY-MM-DD, in whole days. */
function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A calendar date in the chosen language ("Tuesday, 8 December 2026", "2026年12月8日火曜日"). */
function longDate(date: string, intl: Translator["intl"]): string {
	return intl.formatDate(new Date(`${date}T12:00:00Z`), {
		weekday: "long",
		day: "numeric",
		month: "long",
		year: "numeric",
		timeZone: "UTC",
	});
}

function PrepListBoard({ location }: { location: Location }) {
	const { t, intl, language } = useI18n();
	const [date, setDate] = useState<string | null>(null);
	// The first answer is tomorrow at the location: the picker's range follows from it.
	const [range, setRange] = useState<{ min: string; max: string } | null>(null);
	const [list, setList] = useState<PrepList | null>(null);
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		setList(null);
		setError(null);
		const query = date ? `?date=${date}` : "";
		request<PrepList>(`/api/v1/locations/${encodeURIComponent(location.slug)}/prep-list${query}`)
			.then((answer) => {
				setList(answer);
				if (!date) {
					const today = addDays(answer.date, -1);
					setRange({ min: today, max: addDays(today, 14) });
				}
			})
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, [location.slug, date]);

	useEffect(() => {
		setDate(null);
		setRange(null);
	}, [location.slug]);

	return (
		<div class="prep-list">
			<div class="prep-list-controls">
				<div class="field inline-field">
					<label for="prep-date">{t("kitchen.prep.date")}</label>
					<input
						id="prep-date"
						type="date"
						value={date ?? list?.date ?? ""}
						min={range?.min}
						max={range?.max}
						onChange={(event) => {
							const value = event.currentTarget.value;
							if (value) setDate(value);
						}}
					/>
				</div>
				<button type="button" class="button" onClick={() => window.print()} disabled={!list || list.items.length === 0}>
					{t("kitchen.prep.print")}
				</button>
			</div>
			{error && <ErrorMessage message={error} />}
			{!list && !error && <KitchenLoading message={t("kitchen.prep.loading")} />}
			{list && (
				<section class="prep-list-sheet" aria-labelledby="prep-list-title">
					<h2 id="prep-list-title">
						{t("kitchen.prep.heading", { location: location.name, date: longDate(list.date, intl) })}
					</h2>
					{list.items.length === 0 ? (
						<p>
							{/* The API's note is in English; other languages say the same in their own words. */}
							{list.note === null
								? t("kitchen.prep.nothing")
								: language === "en"
									? list.note
									: t("kitchen.prep.noForecast")}
						</p>
					) : (
						<>
							<table class="prep-table">
								<thead>
									<tr>
										<th scope="col">{t("kitchen.prep.category")}</th>
										<th scope="col">{t("kitchen.prep.item")}</th>
										<th scope="col" class="numeric">
											{t("kitchen.prep.prep")}
										</th>
										<th scope="col" class="numeric">
											{t("kitchen.prep.range")}
										</th>
										<th scope="col" class="numeric">
											{t("kitchen.prep.onHand")}
										</th>
										<th scope="col">{t("kitchen.prep.model")}</th>
									</tr>
								</thead>
								<tbody>
									{list.items.map((row) => (
										<tr key={row.item.id}>
											<td>{row.category.name}</td>
											<th scope="row">{row.item.name}</th>
											<td class="numeric">
												<strong>{row.expected}</strong>
											</td>
											<td class="numeric">
												{row.lower80}–{row.upper80}
											</td>
											<td class="numeric">{row.stockOnHand ?? "—"}</td>
											<td>{t(MODEL_LABELS[row.model])}</td>
										</tr>
									))}
								</tbody>
							</table>
							<p class="muted prep-list-footnote">
								{t("kitchen.prep.footnote")}
								{list.generatedAt &&
									` ${t("kitchen.prep.forecastOf", {
										time: intl.formatDate(list.generatedAt, { dateStyle: "medium", timeStyle: "short" }),
									})}`}
							</p>
						</>
					)}
				</section>
			)}
		</div>
	);
}

export function KitchenPrepListPage() {
	const { t } = useI18n();
	return (
		<KitchenShell title={t("kitchen.prep.title")} current="prep">
			{({ location }) => <PrepListBoard location={location} />}
		</KitchenShell>
	);
}
