/**
 * Writes the graph's subgraph SDL (what `_service { sdl }` answers) to
 * workers/api/src/graph/schema.graphql, the committed copy routers and
 * clients read. `--check` only says whether the file is current.
 *
 * Runs in Node: the graph's parts must not import `cloudflare:*` at value level.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SUBGRAPH_SDL } from "../workers/api/src/graph/schema";

const file = path.join(import.meta.dirname, "../workers/api/src/graph/schema.graphql");
const sdl = `${SUBGRAPH_SDL.trim()}\n`;

if (process.argv.includes("--check")) {
	let committed = "";
	try {
		committed = readFileSync(file, "utf8");
	} catch {}
	if (committed !== sdl) {
		console.error(`${path.relative(process.cwd(), file)} is out of date: run \`npm run graphql:sdl\` and commit it`);
		process.exit(1);
	}
	console.log(`${path.relative(process.cwd(), file)} is current`);
} else {
	writeFileSync(file, sdl);
	console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
