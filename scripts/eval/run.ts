/**
 * `npm run eval`: generates synthetic history from a fixed seed, measures the
 * recommender and the forecaster against their baselines on held-out data,
 * prints one figure a line, writes eval-results/eval.json, and exits non-zero
 * when a target is missed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { evaluateForecasts, evaluateRecommendations, TARGETS } from "./evaluate";

const SEED = 20_251_125;
const started = performance.now();

const recommendation = evaluateRecommendations({ seed: SEED, customers: 2000 });
const forecast = evaluateForecasts({ seed: SEED, series: 36, days: 400, heldOutDays: 28 });
const lift = recommendation.hitRatePopularity > 0 ? recommendation.hitRateModel / recommendation.hitRatePopularity : 0;

const checks = {
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
	...Object.entries(checks).map(([name, met]): [string, boolean] => [`target.${name}`, met]),
	["seconds", round((performance.now() - started) / 1000)],
];
for (const [name, value] of figures) console.log(`${name} ${value}`);

mkdirSync("eval-results", { recursive: true });
writeFileSync(
	"eval-results/eval.json",
	`${JSON.stringify({ seed: SEED, targets: TARGETS, recommendation: { ...recommendation, lift }, forecast, checks, passed }, null, 2)}\n`,
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
