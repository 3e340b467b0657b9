/** The part of autocannon's programmatic API the bench uses (the package ships no types). */
declare module "autocannon" {
	import type { EventEmitter } from "node:events";

	interface Options {
		url: string;
		connections?: number;
		pipelining?: number;
		/** Seconds. */
		duration?: number;
		/** Requests per second across all connections. */
		overallRate?: number;
		/** Seconds before a request counts as timed out. */
		timeout?: number;
		method?: string;
		headers?: Record<string, string>;
		body?: string;
		/** Requests sent in turn by each connection; setupRequest may rewrite each before it goes out. */
		requests?: RequestSpec[];
		setupClient?: (client: Client) => void;
	}

	interface RequestSpec {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string;
		setupRequest?: (request: RequestSpec) => RequestSpec;
	}

	interface Client extends EventEmitter {
		on(event: "headers", listener: (response: { statusCode: number; headers: string[] }) => void): this;
	}

	interface Histogram {
		average: number;
		mean: number;
		stddev: number;
		min: number;
		max: number;
		total: number;
		p50: number;
		p90: number;
		p99: number;
	}

	interface Result {
		requests: Histogram;
		latency: Histogram;
		duration: number;
		errors: number;
		timeouts: number;
		non2xx: number;
		statusCodeStats: Record<string, { count: number }>;
	}

	interface Instance extends EventEmitter, PromiseLike<Result> {
		on(
			event: "response",
			listener: (client: Client, statusCode: number, bytes: number, responseTime: number) => void,
		): this;
		on(event: "reqError", listener: (error: Error) => void): this;
		stop(): void;
	}

	function autocannon(options: Options): Instance;
	export default autocannon;
}
