/**
 * `npm run eval`: generates synthetic history from a fixed seed, measures the
 * recommender, the forecaster and the ready-time predictor against their
 * baselines on held-out data,
 * prints one figure a line, writes eval-results/eval.json, and exits non-zero
 * when a target is missed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { ETA_TARGET, evaluateEta } from "./eta";
import { evaluateForecasts, evaluateRecommendations, TARGETS } from "./evaluate";

const SEED = 20_251_125;
const started = performance.now();

const recommendation = evaluateRecommendations({ seed: SEED, customers: 2000 });
const forecast = evaluateForecasts({ seed: SEED, series: 36, days: 400, heldOutDays: 28 });
const eta = evaluateEta({ seed: SEED });
const lift = recommendation.hitRatePopularity > 0 ? recommendation.hitRateModel / recommendation.hitRatePopularity : 0;

const checks = {
	eta_mae_ratio: eta.ratio <= ETA_TARGET,
	recommendation_lift: lift >= TARGETS.hitRateLift,
	forecast_mase: forecast.maseModel < TARGETS.maxMase,
	forecast_coverage_80: forecast.coverage80 >= TARGETS.coverage80[0] && forecast.coverage80 <= TARGETS.coverage80[1],
	forecast_items_mase: forecast.maseItems < TARGETS.maxMase,
	forecast_items_coverage_80:
		forecast.coverage80ItemsPrep >= TARGETS.coverage80[0] && forecast.coverage80ItemsPrep <= TARGETS.coverage80[1],
};
const passed = Object.values(checks).every(Boolean);

const round = (value: number) => Math.round(value * 1000) / 1000;
const figures: [string, number | string | boolean][] = [
	["seed", SEED],
	["recommendation.customers", recommendation.customers],
	["recommendation.cutoff_day", recommendation.cutoffDay],
	["recommendation.training_orders", recommendation.trainingOrders],
	["recommendation.held_out_orders", recommendation.heldOutOrders],
	["recommendation.hit_rate_at_10.model", round(recommendation.hitRateModel)],
	["recommendation.hit_rate_at_10.popularity", round(recommendation.hitRatePopularity)],
	["recommendation.hit_rate_at_10.lift", round(lift)],
	// What a model hitting every held-out order would score: lift cannot exceed it.
	[
		"recommendation.hit_rate_at_10.lift_ceiling",
		round(recommendation.hitRatePopularity > 0 ? 1 / recommendation.hitRatePopularity : 0),
	],
	["recommendation.cart_hit_rate_at_10.model", round(recommendation.cartHitRateModel)],
	["recommendation.cart_hit_rate_at_10.popularity", round(recommendation.cartHitRatePopularity)],
	["recommendation.cart_cases", recommendation.cartCases],
	["forecast.series", forecast.series],
	["forecast.held_out_days", forecast.heldOutDays],
	["forecast.mase.model", round(forecast.maseModel)],
	["forecast.mase.seasonal_naive", round(forecast.maseSeasonalNaive)],
	["forecast.coverage.80", round(forecast.coverage80)],
	["forecast.coverage.95", round(forecast.coverage95)],
	...Object.entries(forecast.chosen).map(([model, count]): [string, number] => [`forecast.chosen.${model}`, count]),
	["forecast.items", forecast.items],
	["forecast.items.mase.model", round(forecast.maseItems)],
	["forecast.items.mase.seasonal_naive", round(forecast.maseItemsSeasonalNaive)],
	["forecast.items.coverage.80", round(forecast.coverage80Items)],
	["forecast.items.coverage.80_prep_units", round(forecast.coverage80ItemsPrep)],
	["forecast.items.coverage.95", round(forecast.coverage95Items)],
	...Object.entries(forecast.chosenItems).map(([model, count]): [string, number] => [
		`forecast.items.chosen.${model}`,
		count,
	]),
	["eta.training_days", eta.trainingDays],
	["eta.held_out_days", eta.heldOutDays],
	["eta.held_out_orders", eta.heldOutOrders],
	["eta.mean_minutes_to_ready", round(eta.meanActualMinutes)],
	["eta.mae_minutes.model", round(eta.maeModel)],
	["eta.mae_minutes.fixed_15", round(eta.maeFixed15)],
	["eta.mae_minutes.kitchen_typed", round(eta.maeTyped)],
	["eta.mae_ratio", round(eta.ratio)],
	["eta.within_5_min.model", round(eta.within5Model)],
	["eta.within_5_min.fixed_15", round(eta.within5Fixed15)],
	...Object.entries(checks).map(([name, met]): [string, boolean] => [`target.${name}`, met]),
	["seconds", round((performance.now() - started) / 1000)],
];
for (const [name, value] of figures) console.log(`${name} ${value}`);

mkdirSync("eval-results", { recursive: true });
writeFileSync(
	"eval-results/eval.json",
	`${JSON.stringify({ seed: SEED, targets: { ...TARGETS, etaMaeRatio: ETA_TARGET }, recommendation: { ...recommendation, lift }, forecast, eta, checks, passed }, null, 2)}\n`,
);

if (!passed) {
	console.error(
		`Targets missed: ${Object.entries(checks)
			.filter(([, met]) => !met)
			.map(([name]) => name)
			.join(", ")}`,
	);
	process.exit(1);
}
