/**
 * The kitchen's prep list: what to prep for a day (tomorrow by default), each
 * item's expected units with its 80% range and stock on hand, from the
 * nightly forecast. Prints on its own: the print stylesheet hides everything
 * but the list.
 */
import { useEffect, useState } from "preact/hooks";
import { messageOf, request } from "../api/http";
import type { Location } from "../api/types";
import { ErrorMessage, Loading } from "../components/page";
import { KitchenShell } from "./kitchen-shell";

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

const MODEL_LABELS: Record<PrepItem["model"], string> = {
	"holt-winters": "Own history",
	"seasonal-naive": "Own history (last week)",
	mean: "Own history (average)",
	"category-share": "Share of category",
};

/** Calendar arithmetic on YYYY-MM-DD, in whole days. */
function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function longDate(date: string): string {
	return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, {
		weekday: "long",
		day: "numeric",
		month: "long",
		year: "numeric",
		timeZone: "UTC",
	});
}

function PrepListBoard({ location }: { location: Location }) {
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
			.catch((failure) => setError(messageOf(failure)));
	}, [location.slug, date]);

	useEffect(() => {
		setDate(null);
		setRange(null);
	}, [location.slug]);

	return (
		<div class="prep-list">
			<div class="prep-list-controls">
				<div class="field inline-field">
					<label for="prep-date">Prep for</label>
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
					Print
				</button>
			</div>
			{error && <ErrorMessage message={error} />}
			{!list && !error && <Loading what="prep list" />}
			{list && (
				<section class="prep-list-sheet" aria-labelledby="prep-list-title">
					<h2 id="prep-list-title">
						Prep list · {location.name} · {longDate(list.date)}
					</h2>
					{list.items.length === 0 ? (
						<p>{list.note ?? "Nothing to prep for this day."}</p>
					) : (
						<>
							<table class="prep-table">
								<thead>
									<tr>
										<th scope="col">Category</th>
										<th scope="col">Item</th>
										<th scope="col" class="numeric">
											Prep
										</th>
										<th scope="col" class="numeric">
											Likely range (80%)
										</th>
										<th scope="col" class="numeric">
											On hand
										</th>
										<th scope="col">Forecast from</th>
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
											<td>{MODEL_LABELS[row.model]}</td>
										</tr>
									))}
								</tbody>
							</table>
							<p class="muted prep-list-footnote">
								Prep is the forecast rounded up; on 8 days in 10 sales land in the likely range. “—” on hand: stock not
								tracked.
								{list.generatedAt && ` Forecast of ${new Date(list.generatedAt).toLocaleString()}.`}
							</p>
						</>
					)}
				</section>
			)}
		</div>
	);
}

export function KitchenPrepListPage() {
	return (
		<KitchenShell title="Prep list" current="prep">
			{({ location }) => <PrepListBoard location={location} />}
		</KitchenShell>
	);
}
