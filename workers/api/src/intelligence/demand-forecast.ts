/**
 * One category's expected demand on a local date, as GET /forecasts/demand
 * and the graph's `demandForecast` both answer it: from the nightly precompute
 * (global) when it has the date, else computed from the daily category sales
 * of the location's region. Staff of the location only.
 */
import type { AppEnv } from "@goodfood/platform/app";
import { assertStaffAt, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { regionNamed } from "@goodfood/platform/regions";
import type { Context } from "hono";
import { localClock } from "../menu/domain/availability";
import { addDays } from "./domain/calendar";
import { firstSalesDate, forecastDates, MAX_DAYS_AHEAD } from "./domain/demand";
import { invalid } from "./invalid";
import {
	type ForecastRow,
	findCategory,
	findForecast,
	findLocation,
	intelligenceDb,
	loadCategorySales,
} from "./repository";

export interface DemandRequest {
	location: string;
	category: string;
	/** The location's local date, YYYY-MM-DD (checked by the caller's schema). */
	date: string;
}

const SHORT_HISTORY_NOTE = "Too little sales history to backtest this forecast against seasonal-naive";

/** The stored forecast's figures, without the keys the request already named. */
export function storedForecast(row: ForecastRow) {
	return {
		date: row.date,
		predicted: row.predicted,
		lower80: row.lower80,
		upper80: row.upper80,
		lower95: row.lower95,
		upper95: row.upper95,
		model: row.model,
		mase: row.mase,
		generatedAt: row.generatedAt,
	};
}

/**
 * The forecast for the caller of `c`: unauthorized when signed out, not_found
 * for an unknown location (before anything else is said about it), forbidden
 * unless staff there, then not_found for a category not on its menu.
 */
export async function forecastDemand(
	c: Context<AppEnv>,
	{ location: slug, category: categoryId, date }: DemandRequest,
) {
	signedIn(c);
	const db = intelligenceDb(c.var.d1);
	const location = await findLocation(db, slug);
	if (!location) throw ApiError.notFound("Location");
	assertStaffAt(c, slug);
	const category = await findCategory(db, slug, categoryId);
	if (!category) throw ApiError.notFound("Category");

	const today = localClock(new Date(), location.timeZone).date;
	const lastDate = addDays(today, MAX_DAYS_AHEAD);
	if (date > lastDate) throw invalid("date", `must be at most ${MAX_DAYS_AHEAD} days ahead (${lastDate})`);
	const past = date < today;
	// A past date is forecast from the days before it; the day itself is only its actual.
	const salesEnd = past ? addDays(date, 1) : today;
	// Forecasts are global; the location's sales are in its region.
	const sales = intelligenceDb(c.var.orderData.in(regionNamed(c.env, location.region)));
	const [precomputed, salesRows] = await Promise.all([
		findForecast(db, slug, categoryId, date),
		loadCategorySales(sales, slug, salesEnd, categoryId),
	]);
	const rows = salesRows.get(categoryId) ?? [];
	const first = firstSalesDate(rows);
	if (past && (first === null || date <= first)) {
		throw invalid(
			"date",
			first === null
				? "is in the past, and this category has no sales history"
				: `must be after the first day of sales (${first}), so there is history to forecast from`,
		);
	}
	const actual = past ? rows.filter((row) => row.date === date).reduce((sum, row) => sum + row.units, 0) : null;
	const answer = { location: slug, category: { id: category.id, name: category.name }, actual };
	if (precomputed) {
		const note = precomputed.mase === null ? SHORT_HISTORY_NOTE : null;
		return { ...answer, ...storedForecast(precomputed), source: "precomputed" as const, note };
	}
	if (first === null) {
		throw new ApiError("unprocessable", "This category has no sales history yet to forecast from");
	}
	const end = past ? date : today;
	const { series, forecasts } = forecastDates(rows, end, [date]);
	return {
		...answer,
		...forecasts[0],
		generatedAt: new Date().toISOString(),
		source: "computed" as const,
		note: series.note,
	};
}
