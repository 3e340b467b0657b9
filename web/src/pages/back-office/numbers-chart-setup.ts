/**
 * Chart.js with only what the numbers screen draws: bar and line charts on
 * category and linear scales, filled bands, legend and tooltips. Loaded on
 * demand by numbers-chart.tsx, so the storefront's bundle carries none of it.
 */
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Filler,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
} from "chart.js";

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	Filler,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
);

export { Chart };
