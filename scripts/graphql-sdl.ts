/**
 * Writes the graph's subgraph SDL (what `_service { sdl }` answers) to
 * workers/api/src/graph/schema.graphql, the committed copy routers and
 * clients read, formatted as biome formats GraphQL (so `npm run lint` passes).
 * `--check` only says whether the file says what the graph serves.
 *
 * Runs in Node: the graph's parts must not import `cloudflare:*` at value level.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, print } from "graphql";
import { subgraphSdl } from "../workers/api/src/graph/schema";

const root = path.join(import.meta.dirname, "..");
const file = path.join(root, "workers/api/src/graph/schema.graphql");
const name = path.relative(process.cwd(), file);

/** The SDL's meaning, without its layout: what the test in graphql-core.test.ts compares too. */
const normalized = (sdl: string) => print(parse(sdl));

if (process.argv.includes("--check")) {
	const committed = existsSync(file) ? readFileSync(file, "utf8") : "";
	if (!committed || normalized(committed) !== normalized(subgraphSdl())) {
		console.error(`${name} is out of date: run \`npm run graphql:sdl\` and commit it`);
		process.exit(1);
	}
	console.log(`${name} is current`);
} else {
	writeFileSync(file, `${subgraphSdl().trim()}\n`);
	execFileSync(path.join(root, "node_modules/.bin/biome"), ["format", "--write", file], { stdio: "ignore" });
	console.log(`wrote ${name}`);
}
