/** Drives one target with autocannon from this process and reduces the run to the figures the report needs. */
import autocannon from "autocannon";

export interface LoadOptions {
	url: string;
	seconds: number;
	connections: number;
	/** Requests per second across all connections; unset means as fast as the target answers. */
	overallRate?: number;
	method?: string;
	headers?: Record<string, string>;
	body?: string;
	/** Rewrites every request before it is sent, e.g. to spread them over many paths. */
	setupRequest?: (request: { method?: string; path?: string; headers?: Record<string, string>; body?: string }) => {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string;
	};
	/** Called with each response's raw header list (name, value, name, value, …). */
	onHeaders?: (headers: string[]) => void;
}

export interface LoadResult {
	/** Completed requests per second over the whole run. */
	rps: number;
	/** Latency percentiles in milliseconds, from every response (autocannon's own histogram rounds to whole ms). */
	p50: number;
	p99: number;
	requests: number;
	seconds: number;
	non2xx: number;
	/** Connection errors and timeouts, which never produced a response. */
	errors: number;
	timeouts: number;
	statusCodes: Record<string, number>;
}

/** Growable store of latency samples, so percentiles are exact rather than read off a histogram. */
class Samples {
	private values = new Float64Array(1 << 16);
	private size = 0;

	add(value: number): void {
		if (this.size === this.values.length) {
			const grown = new Float64Array(this.values.length * 2);
			grown.set(this.values);
			this.values = grown;
		}
		this.values[this.size++] = value;
	}

	/** Nearest-rank percentile. */
	percentiles(...ps: number[]): number[] {
		const sorted = this.values.subarray(0, this.size).sort();
		return ps.map((p) => (this.size === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil((p / 100) * this.size) - 1)]));
	}
}

/**
 * Runs autocannon for `seconds` against `url` and returns throughput, exact
 * p50/p99 and every way a request went wrong, so a run that errors says so.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
	const samples = new Samples();
	const { onHeaders, setupRequest } = options;
	const instance = autocannon({
		url: options.url,
		// autocannon takes an explicit undefined as a value (an undefined method fails), so unset ones are left out.
		...(options.method ? { method: options.method } : {}),
		...(options.headers ? { headers: options.headers } : {}),
		...(options.body !== undefined ? { body: options.body } : {}),
		...(setupRequest ? { requests: [{ setupRequest }] } : {}),
		connections: options.connections,
		duration: options.seconds,
		overallRate: options.overallRate,
		timeout: 10,
		setupClient: onHeaders ? (client) => client.on("headers", (response) => onHeaders(response.headers)) : undefined,
	});
	instance.on("response", (_client, _statusCode, _bytes, responseTime) => samples.add(responseTime));
	const result = await instance;

	const statusCodes = Object.fromEntries(
		Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
	);
	const requests = Object.values(statusCodes).reduce((sum, count) => sum + count, 0);
	const [p50, p99] = samples.percentiles(50, 99);
	return {
		rps: requests / result.duration,
		p50,
		p99,
		requests,
		seconds: result.duration,
		non2xx: result.non2xx,
		errors: result.errors,
		timeouts: result.timeouts,
		statusCodes,
	};
}
