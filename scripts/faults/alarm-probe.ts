/**
 * Does this runtime fire a Durable Object alarm that was persisted before
 * workerd was SIGKILLed? A sweep that lives in the Cart object's alarm can only
 * recover after a crash if it does. A bare object sets an alarm a few seconds
 * ahead, the runtime is killed before it is due, and a new runtime on the same
 * state is watched, without touching the object, for the alarm's mark.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { workerdProcesses } from "../../bench/cpu";

const PROBE_SCRIPT = `
import { DurableObject } from "cloudflare:workers";
export class Probe extends DurableObject {
	async arm(delayMs) {
		await this.ctx.storage.put("armedAt", Date.now());
		await this.ctx.storage.setAlarm(Date.now() + delayMs);
	}
	async alarm() {
		await this.ctx.storage.put("firedAt", Date.now());
	}
	async firedAt() {
		return (await this.ctx.storage.get("firedAt")) ?? null;
	}
}
export default {
	async fetch(request, env) {
		const probe = env.PROBE.get(env.PROBE.idFromName("probe"));
		if (new URL(request.url).pathname === "/arm") {
			await probe.arm(Number(new URL(request.url).searchParams.get("ms")));
			return new Response("armed");
		}
		return Response.json({ firedAt: await probe.firedAt() });
	},
};
`;

/** Miniflare with the probe object, persisting to `dir`, and the workerd pids it started. */
async function startProbe(dir: string) {
	const before = new Set(workerdProcesses());
	const miniflare = new Miniflare({
		...convertV4MiniflareOptions({
			host: "127.0.0.1",
			port: 0,
			log: new Log(LogLevel.ERROR),
			workers: [
				{
					name: "alarm-probe",
					compatibilityDate: "2026-11-01",
					modules: [{ type: "ESModule", path: "probe.mjs", contents: PROBE_SCRIPT }],
					durableObjects: { PROBE: { className: "Probe", useSQLite: true } },
				},
			],
		}),
		resourcePersistencePath: dir,
		enableDevRegistry: false,
		telemetry: { enabled: false },
	});
	await miniflare.ready;
	return { miniflare, pids: workerdProcesses().filter((pid) => !before.has(pid)) };
}

export interface AlarmProbeResult {
	/** Whether the alarm set before the SIGKILL fired on the restarted runtime. */
	refired: boolean;
	/** How long after the restart it fired, in ms. */
	afterRestartMs: number | null;
}

export async function probeAlarmAfterKill(delayMs = 2000, watchMs = 10_000): Promise<AlarmProbeResult> {
	const dir = mkdtempSync(path.join(tmpdir(), "goodfood-alarm-probe-"));
	try {
		const first = await startProbe(dir);
		await first.miniflare.dispatchFetch(`http://probe/arm?ms=${delayMs}`);
		if (first.pids.length === 0) throw new Error("no workerd process found to kill (is /proc there?)");
		for (const pid of first.pids) process.kill(pid, "SIGKILL");
		await first.miniflare.dispose().catch(() => {});

		const second = await startProbe(dir);
		const restartedAt = Date.now();
		try {
			// Nothing touches the object until the watch is over, so only the alarm can have woken it.
			await new Promise((resolve) => setTimeout(resolve, delayMs + watchMs));
			const answer = await second.miniflare.dispatchFetch("http://probe/fired");
			const { firedAt } = (await answer.json()) as { firedAt: number | null };
			return firedAt === null
				? { refired: false, afterRestartMs: null }
				: { refired: true, afterRestartMs: firedAt - restartedAt };
		} finally {
			await second.miniflare.dispose();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
