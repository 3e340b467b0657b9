/**
 * The numbers: a location's (or, for admins, every location's) daily figures
 * over a range of local dates, drawn as charts, and the demand forecast for
 * the next seven days per category with its 80% and 95% intervals as bands.
 * Every chart has an accessible name and its figures as a table.
 */
import type { TooltipItem } from "chart.js";
import { useEffect, useMemo, useState } from "preact/hooks";
import { type DailyStats, dailyStats, type ForecastList, forecasts } from "../../api/operations";
import type { Location, Profile } from "../../api/types";
import { ErrorMessage } from "../../components/page";
import { minorDigits } from "../../format";
import { type Translator, useI18n } from "../../i18n";
import { kitchenErrorText } from "../../i18n/kitchen-errors";
import { KitchenLoading } from "../kitchen-shell";
import { ChartFigure, type FigureConfig, type TableView } from "./numbers-chart";
import {
	addDays,
	type DailyChart,
	type DailyMetric,
	dailyChart,
	forecastDatasets,
	forecastsByCategory,
	lastDays,
	MAX_RANGE_DAYS,
	METRIC_UNITS,
	type MetricUnit,
	rangeProblem,
	type Series,
	seriesDatasets,
	sharedCurrency,
	todayIn,
} from "./numbers-data";
import { LocationSelect, useLocationsOf } from "./operations-locations";
import { BackOfficeShell } from "./shell";

const DEFAULT_DAYS = 14;
const FORECAST_DAYS = 7;

type Intl = Translator["intl"];

/** A local date as a chart labels it: "7 Dec", "12月7日". */
const shortDate = (intl: Intl, date: string) =>
	intl.formatDate(new Date(`${date}T12:00:00Z`), { day: "numeric", month: "short", timeZone: "UTC" });
const longDate = (intl: Intl, date: string) =>
	intl.formatDate(new Date(`${date}T12:00:00Z`), { dateStyle: "medium", timeZone: "UTC" });

/** A value in its unit, in the chosen language; money in `currency` when there is one (else as a plain number). */
function formatValue(intl: Intl, value: number | null, unit: MetricUnit, currency: string | null): string {
	if (value === null || Number.isNaN(value)) return "—";
	switch (unit) {
		case "count":
			return intl.formatNumber(value);
		case "money":
			return currency
				? intl.formatNumber(value, {
						style: "currency",
						currency,
						minimumFractionDigits: minorDigits(currency),
						maximumFractionDigits: minorDigits(currency),
					})
				: intl.formatNumber(value, { maximumFractionDigits: 2 });
		case "share":
			return intl.formatNumber(value, { style: "percent", maximumFractionDigits: 1 });
		case "minutes":
			return intl.formatNumber(value, {
				style: "unit",
				unit: "minute",
				unitDisplay: "short",
				maximumFractionDigits: 1,
			});
	}
}

interface Figure {
	id: string;
	title: string;
	description: string;
	config: FigureConfig;
	table: TableView;
}

/** The table of a daily chart: a row per date, a column per series, each value in its unit. */
function dailyTable(chart: DailyChart, intl: Intl, rowHeader: string): TableView {
	return {
		rowHeader,
		columns: chart.series.map((series) => series.label),
		rows: chart.dates.map((date, index) => ({
			label: longDate(intl, date),
			cells: chart.series.map((series) =>
				formatValue(intl, series.values[index], METRIC_UNITS[series.metric], series.currency),
			),
		})),
	};
}

/** Chart.js options shared by the daily charts: axis and tooltips in the chart's unit, legend below. */
function dailyOptions(intl: Intl, plotted: Series[], unit: MetricUnit, currency: string | null) {
	return {
		responsive: true,
		maintainAspectRatio: false,
		locale: intl.locale,
		interaction: { mode: "index" as const, intersect: false },
		scales: {
			y: {
				beginAtZero: true,
				...(unit === "share" ? { suggestedMax: 1 } : {}),
				ticks: { callback: (value: string | number) => formatValue(intl, Number(value), unit, currency) },
			},
		},
		plugins: {
			legend: { position: "bottom" as const },
			tooltip: {
				callbacks: {
					label: (item: Pick<TooltipItem<"line">, "datasetIndex" | "raw">) => {
						const series = plotted[item.datasetIndex];
						return `${series.label}: ${formatValue(intl, item.raw as number | null, unit, series.currency)}`;
					},
				},
			},
		},
	};
}

function dailyFigure(
	stats: DailyStats,
	{ t, intl }: Translator,
	spec: {
		id: string;
		title: string;
		kind: "line" | "bar";
		metrics: { metric: DailyMetric; label: string }[];
		/** The metrics drawn, when the table has more (same unit); all by default. */
		plot?: DailyMetric[];
	},
): Figure {
	const chart = dailyChart(stats, spec.metrics);
	const drawn = { ...chart, series: chart.series.filter((series) => !spec.plot || spec.plot.includes(series.metric)) };
	const unit = METRIC_UNITS[drawn.series[0]?.metric ?? spec.metrics[0].metric];
	const currency = unit === "money" ? sharedCurrency(drawn) : null;
	const labels = chart.dates.map((date) => shortDate(intl, date));
	const config: FigureConfig =
		spec.kind === "bar"
			? {
					type: "bar",
					data: { labels, datasets: seriesDatasets(drawn, "bar") },
					options: dailyOptions(intl, drawn.series, unit, currency),
				}
			: {
					type: "line",
					data: { labels, datasets: seriesDatasets(drawn, "line") },
					options: dailyOptions(intl, drawn.series, unit, currency),
				};
	const names = intl.formatList([...new Set(stats.locations.map((location) => location.name))], {
		type: "conjunction",
	});
	return {
		id: spec.id,
		title: spec.title,
		description: [
			t("operations.numbers.chartDescription", {
				locations: names,
				from: longDate(intl, stats.from),
				to: longDate(intl, stats.to),
			}),
			// Amounts in different currencies share an axis but not a unit: say so.
			unit === "money" && currency === null ? t("operations.numbers.ownCurrencies") : "",
		]
			.filter(Boolean)
			.join(". "),
		config,
		table: dailyTable(chart, intl, t("operations.numbers.date")),
	};
}

function dailyFigures(stats: DailyStats, translator: Translator): Figure[] {
	const { t } = translator;
	return [
		dailyFigure(stats, translator, {
			id: "chart-orders",
			title: t("operations.numbers.orders"),
			kind: "bar",
			metrics: [{ metric: "orders", label: t("operations.numbers.orders.series") }],
		}),
		dailyFigure(stats, translator, {
			id: "chart-revenue",
			title: t("operations.numbers.revenue"),
			kind: "bar",
			metrics: [{ metric: "revenue", label: t("operations.numbers.revenue.series") }],
		}),
		dailyFigure(stats, translator, {
			id: "chart-basket",
			title: t("operations.numbers.basket"),
			kind: "line",
			metrics: [{ metric: "averageBasket", label: t("operations.numbers.basket.series") }],
		}),
		dailyFigure(stats, translator, {
			id: "chart-rates",
			title: t("operations.numbers.rates"),
			kind: "line",
			metrics: [
				{ metric: "cancellationRate", label: t("operations.numbers.rates.cancelled") },
				{ metric: "rejectionRate", label: t("operations.numbers.rates.rejected") },
			],
		}),
		dailyFigure(stats, translator, {
			id: "chart-prep",
			title: t("operations.numbers.prep"),
			kind: "line",
			metrics: [
				{ metric: "p50", label: t("operations.numbers.prep.p50") },
				{ metric: "p90", label: t("operations.numbers.prep.p90") },
				{ metric: "p95", label: t("operations.numbers.prep.p95") },
			],
		}),
		dailyFigure(stats, translator, {
			id: "chart-eta",
			title: t("operations.numbers.eta"),
			kind: "line",
			metrics: [
				{ metric: "withinFiveMinutes", label: t("operations.numbers.eta.within") },
				{ metric: "etaError", label: t("operations.numbers.eta.error") },
			],
			plot: ["withinFiveMinutes"],
		}),
	];
}

function forecastFigures(list: ForecastList, { t, intl }: Translator): Figure[] {
	const names = {
		predicted: t("operations.forecast.expected"),
		band80: t("operations.forecast.band80"),
		band95: t("operations.forecast.band95"),
	};
	const units = (value: number) => intl.formatNumber(value, { maximumFractionDigits: 1 });
	return forecastsByCategory(list, FORECAST_DAYS).map((forecast, index) => {
		const { datasets, lowerBounds } = forecastDatasets(forecast, names);
		const last = forecast.dates.at(-1) ?? list.to;
		return {
			id: `chart-forecast-${index}`,
			title: t("operations.forecast.chartTitle", { category: forecast.category.name }),
			description: t("operations.forecast.chartDescription", {
				from: longDate(intl, forecast.dates[0] ?? list.from),
				to: longDate(intl, last),
			}),
			config: {
				type: "line",
				data: { labels: forecast.dates.map((date) => shortDate(intl, date)), datasets },
				options: {
					responsive: true,
					maintainAspectRatio: false,
					locale: intl.locale,
					interaction: { mode: "index", intersect: false },
					scales: { y: { beginAtZero: true, ticks: { callback: (value) => units(Number(value)) } } },
					plugins: {
						legend: {
							position: "bottom",
							labels: { filter: (item) => !lowerBounds.includes(item.datasetIndex ?? -1) },
						},
						tooltip: {
							filter: (item) => !lowerBounds.includes(item.datasetIndex),
							callbacks: {
								label: (item) => {
									const day = item.dataIndex;
									if (item.datasetIndex === 4) return `${names.predicted}: ${units(forecast.predicted[day])}`;
									const [lower, upper] =
										item.datasetIndex === 1
											? [forecast.lower95, forecast.upper95]
											: [forecast.lower80, forecast.upper80];
									return `${item.dataset.label}: ${units(lower[day])}–${units(upper[day])}`;
								},
							},
						},
					},
				},
			},
			table: {
				rowHeader: t("operations.numbers.date"),
				columns: [names.predicted, names.band80, names.band95],
				rows: forecast.dates.map((date, day) => ({
					label: longDate(intl, date),
					cells: [
						units(forecast.predicted[day]),
						`${units(forecast.lower80[day])}–${units(forecast.upper80[day])}`,
						`${units(forecast.lower95[day])}–${units(forecast.upper95[day])}`,
					],
				})),
			},
		};
	});
}

function Figures({ figures }: { figures: Figure[] }) {
	return (
		<div class="ops-charts">
			{figures.map((figure) => (
				<ChartFigure
					key={figure.id}
					id={figure.id}
					title={figure.title}
					description={figure.description}
					config={figure.config}
					table={figure.table}
				/>
			))}
		</div>
	);
}

/** The next seven days' demand at one location, by category. */
function Forecast({ location }: { location: Location }) {
	const translator = useI18n();
	const { t, language } = translator;
	const [list, setList] = useState<ForecastList | null>(null);
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		let live = true;
		setList(null);
		setError(null);
		const today = todayIn(location.timeZone);
		forecasts(location.slug, today, addDays(today, FORECAST_DAYS - 1))
			.then((answer) => live && setList(answer))
			.catch((failure) => live && setError(kitchenErrorText(failure)));
		return () => {
			live = false;
		};
	}, [location.slug, location.timeZone]);

	// The translator is the language's own: it changes with `language`.
	const figures = useMemo(() => (list ? forecastFigures(list, translator) : []), [list, language]);

	return (
		<section aria-labelledby="forecast-heading" class="ops-forecast">
			<h2 id="forecast-heading">{t("operations.forecast.heading", { location: location.name })}</h2>
			<p class="muted">{t("operations.forecast.intro")}</p>
			<ErrorMessage message={error} />
			{!list && !error && <KitchenLoading message={t("operations.forecast.loading")} />}
			{list && figures.length === 0 && <p>{t("operations.forecast.none")}</p>}
			{figures.length > 0 && <Figures figures={figures} />}
		</section>
	);
}

function Numbers({ locations, admin }: { locations: Location[]; admin: boolean }) {
	const translator = useI18n();
	const { t, language } = translator;
	const [slug, setSlug] = useState(admin ? "" : (locations[0]?.slug ?? ""));
	const [range, setRange] = useState(() => lastDays(todayIn(undefined), DEFAULT_DAYS));
	const [draft, setDraft] = useState(range);
	const [rangeError, setRangeError] = useState<string | null>(null);
	const [stats, setStats] = useState<DailyStats | null>(null);
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		let live = true;
		setStats(null);
		setError(null);
		dailyStats({ location: slug || undefined, from: range.from, to: range.to })
			.then((answer) => live && setStats(answer))
			.catch((failure) => live && setError(kitchenErrorText(failure)));
		return () => {
			live = false;
		};
	}, [slug, range.from, range.to]);

	// The translator is the language's own: it changes with `language`.
	const figures = useMemo(() => (stats ? dailyFigures(stats, translator) : []), [stats, language]);

	const apply = (event: Event) => {
		event.preventDefault();
		const problem = rangeProblem(draft.from, draft.to);
		if (problem === "order") setRangeError(t("operations.numbers.range.order"));
		else if (problem === "tooLong") setRangeError(t("operations.numbers.range.tooLong", { days: MAX_RANGE_DAYS }));
		else {
			setRangeError(null);
			setRange(draft);
		}
	};

	const location = locations.find((candidate) => candidate.slug === slug);
	return (
		<div class="ops-numbers">
			<div class="toolbar ops-numbers-controls">
				<LocationSelect
					id="numbers-location"
					label={t("operations.location")}
					locations={locations}
					value={slug}
					onChange={setSlug}
					anyLabel={admin ? t("operations.numbers.allLocations") : undefined}
				/>
				<form class="ops-range" onSubmit={apply} aria-label={t("operations.numbers.range")}>
					<div class="field">
						<label for="numbers-from">{t("operations.numbers.from")}</label>
						<input
							id="numbers-from"
							type="date"
							value={draft.from}
							max={draft.to || undefined}
							aria-invalid={rangeError ? true : undefined}
							aria-describedby={rangeError ? "numbers-range-error" : undefined}
							onInput={(event) => setDraft({ ...draft, from: event.currentTarget.value })}
						/>
					</div>
					<div class="field">
						<label for="numbers-to">{t("operations.numbers.to")}</label>
						<input
							id="numbers-to"
							type="date"
							value={draft.to}
							min={draft.from || undefined}
							aria-invalid={rangeError ? true : undefined}
							aria-describedby={rangeError ? "numbers-range-error" : undefined}
							onInput={(event) => setDraft({ ...draft, to: event.currentTarget.value })}
						/>
					</div>
					<button type="submit">{t("operations.numbers.show")}</button>
					{rangeError && (
						<p class="field-error" id="numbers-range-error" role="alert">
							{rangeError}
						</p>
					)}
				</form>
			</div>
			<section aria-labelledby="daily-heading">
				<h2 id="daily-heading">
					{t("operations.numbers.heading", {
						location: location?.name ?? t("operations.numbers.allLocations"),
						from: longDate(translator.intl, range.from),
						to: longDate(translator.intl, range.to),
					})}
				</h2>
				<ErrorMessage message={error} />
				{!stats && !error && <KitchenLoading message={t("operations.numbers.loading")} />}
				{stats && stats.locations.length === 0 && <p>{t("operations.numbers.none")}</p>}
				{figures.length > 0 && stats && stats.locations.length > 0 && <Figures figures={figures} />}
			</section>
			{location ? (
				<Forecast key={location.slug} location={location} />
			) : (
				<p class="muted">{t("operations.forecast.pickOne")}</p>
			)}
		</div>
	);
}

function NumbersScreen({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	const { locations, error } = useLocationsOf(profile);
	if (!locations)
		return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("operations.loadingLocations")} />;
	if (locations.length === 0) return <p>{t("operations.noLocation")}</p>;
	return <Numbers locations={locations} admin={profile.role === "admin"} />;
}

export function NumbersPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.tabs.numbers")} current="numbers">
			{(profile) => <NumbersScreen profile={profile} />}
		</BackOfficeShell>
	);
}
