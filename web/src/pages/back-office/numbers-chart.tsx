/**
 * A chart with an accessible name and its figures as a table. Chart.js draws
 * on a canvas, which assistive technology cannot read, so the canvas is one
 * named image and the numbers are also in a table under a disclosure.
 * Chart.js (only the parts these charts use) is its own chunk, loaded when
 * the first chart is drawn.
 */
import type { Chart, ChartConfiguration } from "chart.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { useI18n } from "../../i18n";

let chartJs: Promise<typeof Chart> | undefined;

/** Chart.js, fetched the first time a chart is drawn (asked again after a failure). */
function loadChartJs(): Promise<typeof Chart> {
	chartJs ??= import("./numbers-chart-setup").then(
		(module) => module.Chart,
		(failure) => {
			chartJs = undefined;
			throw failure;
		},
	);
	return chartJs;
}

/** What the numbers screen draws: bars or lines over numbers, with gaps (null) where a day has no data. */
export type FigureConfig =
	| ChartConfiguration<"line", (number | null)[], string>
	| ChartConfiguration<"bar", (number | null)[], string>;

/** The chart's figures as rows (one per x value) and columns (one per series or figure). */
export interface TableView {
	/** The header of the row labels' column ("Date"). */
	rowHeader: string;
	columns: string[];
	rows: { label: string; cells: string[] }[];
}

function prefersLessMotion(): boolean {
	return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/**
 * Draws `config` on a canvas named `title`, redraws it when `config` changes
 * (give it a memoised one) and destroys it on unmount, so no chart outlives its canvas.
 */
export function ChartFigure({
	id,
	title,
	description,
	config,
	table,
}: {
	id: string;
	title: string;
	/** What the chart shows, read with its name ("Orders per day from 1 to 14 Dec"). */
	description?: string;
	config: FigureConfig;
	table: TableView;
}) {
	const { t } = useI18n();
	const canvas = useRef<HTMLCanvasElement>(null);
	const [failed, setFailed] = useState(false);

	// A new configuration (new figures, another language) is drawn afresh; the old chart is destroyed first.
	useEffect(() => {
		let drawn: Chart | undefined;
		let live = true;
		setFailed(false);
		loadChartJs().then(
			(ChartJs) => {
				if (!live || !canvas.current) return;
				// Chart.js types a configuration per chart type; the instance here takes either.
				drawn = new ChartJs(canvas.current, {
					...config,
					options: { ...config.options, ...(prefersLessMotion() ? { animation: false as const } : {}) },
				} as ChartConfiguration);
			},
			() => live && setFailed(true),
		);
		return () => {
			live = false;
			drawn?.destroy();
		};
	}, [config]);

	const titleId = `${id}-title`;
	return (
		<figure class="ops-chart" aria-labelledby={titleId}>
			<figcaption id={titleId}>
				<h3>{title}</h3>
				{description && <p class="muted small">{description}</p>}
			</figcaption>
			<div class="ops-chart-canvas">
				<canvas ref={canvas} id={id} role="img" aria-label={description ? `${title}. ${description}` : title}>
					{t("operations.numbers.chartFallback")}
				</canvas>
			</div>
			{failed && <p class="notice">{t("operations.numbers.chartFailed")}</p>}
			<details class="ops-chart-table" open={failed || undefined}>
				<summary>{t("operations.numbers.asTable", { title })}</summary>
				<div class="ops-table-wrap">
					<table class="table ops-table">
						<caption class="visually-hidden">{title}</caption>
						<thead>
							<tr>
								<th scope="col">{table.rowHeader}</th>
								{table.columns.map((column) => (
									<th scope="col" class="numeric" key={column}>
										{column}
									</th>
								))}
							</tr>
						</thead>
						<tbody>
							{table.rows.map((row) => (
								<tr key={row.label}>
									<th scope="row">{row.label}</th>
									{row.cells.map((cell, index) => (
										<td class="numeric" key={table.columns[index]}>
											{cell}
										</td>
									))}
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</details>
		</figure>
	);
}
