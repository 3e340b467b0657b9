/**
 * The web app: built into web/dist, which the edge worker serves as static
 * assets. `npm run dev:web` serves it with hot reload on :5173 and proxies the
 * API and menus to `npm run dev` on :8787.
 */
import { defineConfig } from "vite";

const PLATFORM = "http://localhost:8787";

export default defineConfig({
	oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
	build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
	server: {
		port: 5173,
		proxy: { "/api": { target: PLATFORM, ws: true }, "/menu": PLATFORM, "/images": PLATFORM },
	},
});
