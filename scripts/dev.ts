/**
 * `npm run dev`: the whole platform on this machine. Seeds the local database
 * when it is empty, then serves both workers at http://localhost:8787 — the
 * menu edge in front, relaying everything else to the api worker — and, after
 * a fresh seed, gives the demo kitchen its stock once the server answers; and
 * every demo item without a photo gets its own (drawn by scripts/seed/demo-photos.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { ensureDevVars, PERSIST_DIR } from "./local";
import { setDemoPhotos } from "./seed/demo-photos";
import { setDemoStock } from "./seed/demo-stock";

ensureDevVars();
const { seeded } = await import("./seed");

// The web app the edge serves as static assets (`npm run dev:web` serves it with hot reload instead).
if (spawnSync("vite", ["build", "web"], { stdio: "inherit" }).status !== 0) process.exit(1);

const port = process.env.PORT ?? "8787";
const dev = spawn(
	"wrangler",
	["dev", "-c", "workers/menu-edge/wrangler.toml", "-c", "wrangler.toml", "--persist-to", PERSIST_DIR, "--port", port],
	{ stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

// Stock lives in the kitchen objects and photos in R2 behind the upload route, so both are set through
// the API, as a manager would; the server runs whether or not this works.
const base = `http://localhost:${port}`;
if (seeded) {
	setDemoStock(base).then(
		(done) => console.log(done),
		(error: unknown) =>
			console.warn(`Could not set the demo stock (the server runs without it): ${(error as Error).message}`),
	);
}
// Also after the first seed: a database seeded before the demo had photos gets them now.
setDemoPhotos(base).then(
	(done) => console.log(done),
	(error: unknown) =>
		console.warn(`Could not upload the demo photos (the menus show placeholders): ${(error as Error).message}`),
);
