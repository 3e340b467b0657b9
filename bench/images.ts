/**
 * GET /images/{id}?w=320 served from the edge's Cache API (a resized item
 * photo, as the storefront's cards ask for), against a bare hello Worker on
 * the same runtime: max throughput of both and their ratio, alternating rounds
 * as the menu scenario does. The photo is one the bench uploaded through the
 * API (prepareDatabase), found through the menu.
 */
import { alternatingRounds, disturbed, failures, type Measurement, medianByRps, type Settings } from "./measure";
import { MENU_PATH } from "./menu";
import type { Bench } from "./platform";
import { caveat, printProblems, printTable, RUN_HEADER, runColumns } from "./report";

const CACHE_HEADER = "x-cache-layer";
/** The width the storefront's item cards ask for on a phone at 2x and a desktop. */
export const IMAGE_WIDTH = 320;

export interface ImagesReport {
	scenario: "images";
	settings: Settings;
	path: string;
	/** Bytes of the resized photo each hit returns. */
	bodyBytes: number;
	hello: Measurement;
	image: Measurement;
	/** Median image throughput over median hello throughput. */
	throughputRatio: number;
	rounds: { hello: Measurement[]; image: Measurement[] };
	disturbed: boolean;
	problems: string[];
	warnings: string[];
}

/** The path of the first photo the demo menu names, at IMAGE_WIDTH. */
async function photoPath(baseUrl: URL): Promise<string> {
	const response = await fetch(new URL(MENU_PATH, baseUrl));
	if (!response.ok) throw new Error(`GET ${MENU_PATH} answered ${response.status}`);
	const menu = (await response.json()) as { categories: { items: { image: { id: string } | null }[] }[] };
	const image = menu.categories.flatMap((category) => category.items).find((item) => item.image)?.image;
	if (!image) throw new Error(`${MENU_PATH} names no photo: were the demo photos uploaded (prepareDatabase)?`);
	return `/images/${image.id}?w=${IMAGE_WIDTH}`;
}

/** Fails loudly unless, once warmed up, the edge answers the photo from its Cache API; answers its size. */
export async function assertImageCacheHit(baseUrl: URL, path: string): Promise<number> {
	const url = new URL(path, baseUrl);
	const first = await fetch(url);
	const firstBody = await first.arrayBuffer();
	if (!first.ok) throw new Error(`Warm-up GET ${path} answered ${first.status}`);
	const second = await fetch(url);
	await second.arrayBuffer();
	const layer = second.headers.get(CACHE_HEADER);
	if (!second.ok || layer !== "cache") {
		throw new Error(
			`GET ${path} after warm-up: status ${second.status}, ${CACHE_HEADER}: ${layer} (expected 200 from "cache"); the bench would not measure a cache hit`,
		);
	}
	return firstBody.byteLength;
}

export async function runImagesScenario(bench: Bench, settings: Settings): Promise<ImagesReport> {
	const path = await photoPath(bench.platform.url);
	const bodyBytes = await assertImageCacheHit(bench.platform.url, path);
	const urls = { hello: new URL("/", bench.hello.url).href, image: new URL(path, bench.platform.url).href };

	const cacheHit = { connections: settings.connections, countHeader: CACHE_HEADER };
	const rounds: ImagesReport["rounds"] = await alternatingRounds(settings, {
		hello: { ...cacheHit, url: urls.hello, runtime: bench.hello },
		image: { ...cacheHit, url: urls.image, runtime: bench.platform },
	});
	const hello = medianByRps(rounds.hello);
	const image = medianByRps(rounds.image);

	const problems: string[] = [];
	const warnings: string[] = [];
	const all = [...rounds.hello, ...rounds.image];
	for (const run of all) {
		for (const problem of failures(run)) problems.push(`${run.name}: ${problem}`);
		if (disturbed(run)) {
			warnings.push(
				`${run.name}: other processes used ${Math.round((run.cpu?.others ?? 0) * 100)}% of a core meanwhile; the machine was not quiet`,
			);
		}
	}
	for (const run of rounds.image) {
		const misses = Object.entries(run.headerValues).filter(([layer]) => layer !== "cache");
		if (misses.length > 0)
			problems.push(`${run.name}: responses not from the cache: ${JSON.stringify(run.headerValues)}`);
	}
	return {
		scenario: "images",
		settings,
		path,
		bodyBytes,
		hello,
		image,
		throughputRatio: image.rps / hello.rps,
		rounds,
		disturbed: all.some(disturbed),
		problems,
		warnings,
	};
}

export function printImagesReport(report: ImagesReport): void {
	const { settings, hello, image } = report;
	printTable(
		`GET ${report.path} (${report.bodyBytes.toLocaleString("en-GB")} bytes, from the edge's cache) vs a bare hello Worker — ${settings.connections} connections, ${settings.seconds} s per run after ${settings.warmupSeconds} s warm-up, median of ${settings.rounds} alternating rounds`,
		[
			["scenario", ...RUN_HEADER, "log lines/req"],
			...(
				[
					["hello Worker (max)", hello],
					[`GET /images/{id}?w=${IMAGE_WIDTH}, cache hit (max)`, image],
				] as const
			).map(([label, run]) => [label, ...runColumns(run), run.logLinesPerRequest.toFixed(2)]),
		],
	);
	console.log(
		`image / hello throughput: ${(report.throughputRatio * 100).toFixed(1)}% (no target: measured for the record)${caveat(report.disturbed)}`,
	);
	console.log("");
	printProblems(
		report.problems,
		report.warnings,
		"No errors, no non-2xx responses; every photo came from the edge's cache.",
	);
}
