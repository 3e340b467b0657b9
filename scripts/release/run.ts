/** `npm run release`: see cli.ts and docs/deploy.md. */
import { main } from "./cli";

process.exitCode = await main(process.argv.slice(2));
