/** How every scenario prints its figures: milliseconds, CPU shares, tables and the problems list. */
import type { CpuUse } from "./cpu";
import { cpuPerRequestMs, type Measurement } from "./measure";

export function ms(value: number): string {
	return Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a";
}

/** Nearest-rank percentiles of plain samples. */
export function percentiles(values: number[], ...ps: number[]): number[] {
	const sorted = Float64Array.from(values).sort();
	return ps.map((p) =>
		sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)],
	);
}

/** Cores used by workerd, the load generator and everything else, as "101% / 8% / 0%". */
export function cpuText(cpu: CpuUse | undefined): string {
	if (!cpu) return "n/a";
	return [cpu.runtime, cpu.generator, cpu.others].map((cores) => `${Math.round(cores * 100)}%`).join(" / ");
}

/** The columns every max-throughput table shares. */
export const RUN_HEADER = [
	"req/s",
	"p50",
	"p99",
	"non-2xx",
	"errors",
	"CPU workerd / generator / other",
	"workerd CPU/req",
];

export function runColumns(run: Measurement): string[] {
	return [
		Math.round(run.rps).toLocaleString("en-GB"),
		ms(run.p50),
		ms(run.p99),
		String(run.non2xx),
		String(run.errors),
		cpuText(run.cpu),
		ms(cpuPerRequestMs(run)),
	];
}

/** Prints a table: first column left-aligned, the rest right-aligned. */
export function printTable(title: string, table: readonly (readonly string[])[]): void {
	const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
	const line = (row: readonly string[]) =>
		row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
	console.log("");
	console.log(title);
	console.log(line(table[0]));
	console.log(widths.map((width) => "-".repeat(width)).join("  "));
	for (const row of table.slice(1)) console.log(line(row));
	console.log("");
}

export function printProblems(problems: string[], warnings: string[], clean: string): void {
	if (problems.length > 0) {
		console.log("PROBLEMS — these figures are not a clean measurement:");
		for (const problem of problems) console.log(`  - ${problem}`);
	} else {
		console.log(clean);
	}
	if (warnings.length > 0) {
		console.log("Warnings:");
		for (const warning of warnings) console.log(`  - ${warning}`);
	}
}

export const caveat = (isDisturbed: boolean) =>
	isDisturbed ? " (unreliable: the machine was busy, see warnings)" : "";
