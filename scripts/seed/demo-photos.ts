/**
 * Photos for the demo menus, drawn here rather than fetched: each item gets a
 * top-down picture of a plate (or a cup, a bowl, a board) with food shapes in
 * colours read from its id (matcha is green, salmon pink, curry golden), laid
 * out by a random generator seeded with the id, so the same item always gets
 * the same picture and the same image id. No text is drawn, as a machine may
 * have no fonts. SVG is turned into WebP by sharp, then uploaded through the
 * API as a manager would: `PUT /api/v1/locations/{slug}/items/{id}/image`.
 *
 * Used by `npm run dev` (after a fresh seed), the end-to-end platform and the bench.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import { signIn, waitForHealth } from "./api-client";
import { DEMO_LOCATIONS } from "./demo-catalogue";
import { DEMO_ACCOUNTS } from "./staff";
import type { SeedLocation } from "./types";

export const PHOTO_WIDTH = 800;
export const PHOTO_HEIGHT = 600;

/** What is drawn: one shape family per kind of dish. */
export type DishKind =
	| "cup"
	| "glass"
	| "bowl"
	| "sandwich"
	| "burger"
	| "bagel"
	| "onigiri"
	| "fries"
	| "cake"
	| "stack"
	| "toast"
	| "salad"
	| "plate";

/** First match wins: a "matcha-latte" is a cup before it is anything matcha. */
const KINDS: [RegExp, DishKind][] = [
	[/lemonade|soda|iced|cold-brew|egg-cream|sencha|juice|water/, "glass"],
	[/latte|coffee|cappuccino|flat-white|tea|chocolate$|hot-chocolate|drip|espresso|americano|mocha/, "cup"],
	[/onigiri/, "onigiri"],
	[/burger/, "burger"],
	[/bagel/, "bagel"],
	[/fries/, "fries"],
	[/pancake|dorayaki|waffle/, "stack"],
	[/cake|brownie|pudding|babka|cookie|mochi|matcha-roll/, "cake"],
	[/toast|sausage-roll/, "toast"],
	[/sando|sandwich|club|reuben|pastrami|roll$|wrap|hero|parm|bacon-egg|eggs-royale/, "sandwich"],
	[/salad|caesar|cobb/, "salad"],
	[/curry|don$|bowl|soup|porridge|bircher|parfait|granola|mac-cheese|pad-thai|pickles|purin/, "bowl"],
];

export function dishKind(itemId: string): DishKind {
	const key = itemId.replace(/^itm-[a-z]+-/, "");
	return KINDS.find(([pattern]) => pattern.test(key))?.[1] ?? "plate";
}

/** Main colour and accent per ingredient the id names, first match wins. */
const COLOURS: [RegExp, string, string][] = [
	[/matcha|sencha|green|spinach|pickles|falafel/, "#7fa650", "#c9dfa0"],
	[/hojicha/, "#a46a3d", "#e8c9a4"],
	[/salmon|lox/, "#f08a5d", "#ffd2b8"],
	[/tamago|egg|custard|purin|lemonade|yuzu|mac-cheese|omelette/, "#f6cf4a", "#fff2b3"],
	[/curry|katsu|gyudon|oyakodon|teriyaki/, "#c98a2b", "#8a4f1c"],
	[/chocolate|brownie|babka|cold-brew|coffee|hand-drip|drip|egg-cream|toffee/, "#6b3f24", "#d9b48f"],
	[/strawberry|fruit|berry|parfait|cherry|tomato|pizza/, "#e0474c", "#ffd1d1"],
	[/latte|flat-white|cappuccino|tea|milk/, "#c89b6d", "#f6e7d4"],
	[/avocado|salad|caesar|cobb|wrap/, "#88b04b", "#e6f0c8"],
	[/ogura|dorayaki|azuki|mochi|warabi/, "#7b3b3b", "#e7c99a"],
	[/bacon|sausage|pastrami|reuben|burger|ham/, "#b5523b", "#f1c27d"],
	[/pancake|waffle|toast|bagel|roll|sando|bread|cookie|porridge|bircher|granola/, "#e2b36b", "#fff3dc"],
	[/fries|chips/, "#f2c14e", "#fff0c0"],
	[/soup|pad-thai/, "#e07b39", "#ffe0b5"],
	[/onigiri|rice/, "#fbfaf5", "#2f3b2f"],
];

function colours(itemId: string): { main: string; accent: string } {
	const found = COLOURS.find(([pattern]) => pattern.test(itemId));
	return found ? { main: found[1], accent: found[2] } : { main: "#d98c5f", accent: "#f7dcc6" };
}

/** A small deterministic generator (mulberry32) seeded from the id's hash. */
function randomFor(itemId: string): () => number {
	let state = createHash("sha256").update(itemId).digest().readUInt32LE(0);
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The table each location's photos are taken on. */
const TABLES: Record<string, [string, string]> = {
	"london-soho": ["#b98b5e", "#a77a4f"],
	"new-york-chelsea": ["#d9dde0", "#c9ced2"],
	"tokyo-shibuya": ["#e6d2ae", "#d8c29a"],
};

const CX = PHOTO_WIDTH / 2;
const CY = PHOTO_HEIGHT / 2 + 10;

function scatter(
	random: () => number,
	count: number,
	radius: number,
	draw: (x: number, y: number, r: number) => string,
) {
	let out = "";
	for (let index = 0; index < count; index++) {
		const angle = random() * Math.PI * 2;
		const distance = Math.sqrt(random()) * radius;
		out += draw(CX + Math.cos(angle) * distance, CY + Math.sin(angle) * distance, random());
	}
	return out;
}

const plate = (r = 230) =>
	`<circle cx="${CX + 10}" cy="${CY + 16}" r="${r}" fill="url(#shadow)"/>` +
	`<circle cx="${CX}" cy="${CY}" r="${r}" fill="url(#plate)"/><circle cx="${CX}" cy="${CY}" r="${r * 0.74}" fill="#f4f1ea"/>`;

function food(kind: DishKind, main: string, accent: string, random: () => number): string {
	const f = (n: number) => n.toFixed(1);
	switch (kind) {
		case "cup": {
			const foam = `<circle cx="${CX}" cy="${CY}" r="118" fill="${main}"/><circle cx="${CX}" cy="${CY}" r="92" fill="${accent}" opacity="0.9"/>`;
			const heart = `<path d="M ${CX} ${CY + 40} C ${CX - 70} ${CY - 10}, ${CX - 40} ${CY - 70}, ${CX} ${CY - 30} C ${CX + 40} ${CY - 70}, ${CX + 70} ${CY - 10}, ${CX} ${CY + 40} Z" fill="${main}" opacity="0.55"/>`;
			return (
				plate(200) +
				`<rect x="${CX + 120}" y="${CY - 22}" width="80" height="44" rx="22" fill="#fff" stroke="#ddd" stroke-width="4"/>` +
				`<circle cx="${CX}" cy="${CY}" r="140" fill="#fff" stroke="#e2ddd3" stroke-width="6"/>${foam}${heart}`
			);
		}
		case "glass": {
			const ice = scatter(
				random,
				6,
				70,
				(x, y, r) =>
					`<rect x="${f(x - 22)}" y="${f(y - 22)}" width="44" height="44" rx="8" fill="#fff" opacity="0.55" transform="rotate(${f(r * 90)} ${f(x)} ${f(y)})"/>`,
			);
			return (
				`<circle cx="${CX + 12}" cy="${CY + 18}" r="150" fill="url(#shadow)"/>` +
				`<circle cx="${CX}" cy="${CY}" r="150" fill="#eef6f8" stroke="#cfdfe4" stroke-width="8"/>` +
				`<circle cx="${CX}" cy="${CY}" r="132" fill="${main}" opacity="0.85"/>${ice}` +
				`<circle cx="${CX + 60}" cy="${CY - 70}" r="34" fill="${accent}" stroke="#fff" stroke-width="6"/>` +
				`<rect x="${CX - 6}" y="${CY - 190}" width="12" height="170" rx="6" fill="#e85d5d" transform="rotate(25 ${CX} ${CY})"/>`
			);
		}
		case "bowl": {
			const toppings = scatter(
				random,
				14,
				90,
				(x, y, r) =>
					`<circle cx="${f(x)}" cy="${f(y)}" r="${f(10 + r * 16)}" fill="${r > 0.5 ? accent : "#fff"}" opacity="0.9"/>`,
			);
			return (
				`<circle cx="${CX + 12}" cy="${CY + 18}" r="190" fill="url(#shadow)"/>` +
				`<circle cx="${CX}" cy="${CY}" r="190" fill="#2f3640"/><circle cx="${CX}" cy="${CY}" r="172" fill="#3d4653"/>` +
				`<circle cx="${CX}" cy="${CY}" r="160" fill="${main}"/>` +
				`<path d="M ${CX - 160} ${CY} A 160 160 0 0 1 ${CX} ${CY - 160} L ${CX} ${CY} Z" fill="#fbfaf5" opacity="0.9"/>${toppings}`
			);
		}
		case "sandwich": {
			const half = (dx: number, rotate: number) =>
				`<g transform="translate(${dx} 0) rotate(${rotate} ${CX} ${CY})">` +
				`<path d="M ${CX - 120} ${CY + 90} L ${CX + 120} ${CY + 90} L ${CX} ${CY - 120} Z" fill="#f5deb0" stroke="#d9a85f" stroke-width="14" stroke-linejoin="round"/>` +
				`<path d="M ${CX - 96} ${CY + 78} L ${CX + 96} ${CY + 78} L ${CX} ${CY - 88} Z" fill="${main}" opacity="0.85"/>` +
				`<path d="M ${CX - 60} ${CY + 64} L ${CX + 60} ${CY + 64} L ${CX} ${CY - 40} Z" fill="${accent}" opacity="0.8"/></g>`;
			return plate() + half(-70, -12) + half(80, 170);
		}
		case "burger": {
			const seeds = scatter(
				random,
				22,
				110,
				(x, y, r) =>
					`<ellipse cx="${f(x)}" cy="${f(y)}" rx="7" ry="4" fill="#fff8e6" transform="rotate(${f(r * 180)} ${f(x)} ${f(y)})"/>`,
			);
			return (
				plate() +
				`<circle cx="${CX}" cy="${CY}" r="160" fill="#5a8f3a"/><circle cx="${CX}" cy="${CY}" r="150" fill="${main}"/>` +
				`<circle cx="${CX}" cy="${CY}" r="140" fill="#d88a3a"/>${seeds}`
			);
		}
		case "bagel":
			return (
				plate() +
				`<circle cx="${CX}" cy="${CY}" r="150" fill="#c98b45"/><circle cx="${CX}" cy="${CY}" r="128" fill="#f4efe6"/>` +
				`<circle cx="${CX}" cy="${CY}" r="118" fill="${main}" opacity="0.9"/>` +
				scatter(random, 8, 90, (x, y) => `<circle cx="${f(x)}" cy="${f(y)}" r="12" fill="${accent}"/>`) +
				`<circle cx="${CX}" cy="${CY}" r="36" fill="#f4f1ea"/>`
			);
		case "onigiri": {
			const ball = (dx: number, dy: number, rotate: number) =>
				`<g transform="translate(${dx} ${dy}) rotate(${rotate} ${CX} ${CY})">` +
				`<path d="M ${CX} ${CY - 95} Q ${CX + 20} ${CY - 110} ${CX + 100} ${CY + 60} Q ${CX + 110} ${CY + 85} ${CX + 80} ${CY + 85} L ${CX - 80} ${CY + 85} Q ${CX - 110} ${CY + 85} ${CX - 100} ${CY + 60} Q ${CX - 20} ${CY - 110} ${CX} ${CY - 95} Z" fill="#fbfaf5" stroke="#e8e4da" stroke-width="4"/>` +
				`<rect x="${CX - 46}" y="${CY + 20}" width="92" height="66" fill="#23302a"/>` +
				`<circle cx="${CX}" cy="${CY - 10}" r="22" fill="${main}"/></g>`;
			return plate() + ball(-85, 10, -10) + ball(90, -5, 12);
		}
		case "fries": {
			const sticks = Array.from({ length: 22 }, () => {
				const x = CX - 90 + random() * 180;
				const rotate = -25 + random() * 50;
				return `<rect x="${f(x)}" y="${f(CY - 150 + random() * 40)}" width="20" height="150" rx="5" fill="${random() > 0.3 ? main : "#e7a93a"}" transform="rotate(${f(rotate)} ${f(x)} ${CY})"/>`;
			}).join("");
			return (
				plate() +
				sticks +
				`<path d="M ${CX - 130} ${CY - 10} L ${CX + 130} ${CY - 10} L ${CX + 100} ${CY + 150} L ${CX - 100} ${CY + 150} Z" fill="#c0392b"/>` +
				`<path d="M ${CX - 130} ${CY - 10} L ${CX + 130} ${CY - 10} L ${CX + 124} ${CY + 22} L ${CX - 124} ${CY + 22} Z" fill="#fff" opacity="0.9"/>`
			);
		}
		case "stack": {
			const layers = [0, 1, 2]
				.map(
					(index) =>
						`<circle cx="${CX - 10 + index * 10}" cy="${CY + 20 - index * 18}" r="140" fill="${index % 2 ? "#c9873e" : main}" stroke="#b57733" stroke-width="4"/>`,
				)
				.join("");
			return (
				plate() +
				layers +
				`<path d="M ${CX - 60} ${CY - 40} Q ${CX} ${CY - 90} ${CX + 70} ${CY - 30} Q ${CX + 40} ${CY + 30} ${CX - 40} ${CY + 10} Z" fill="${accent}" opacity="0.85"/>` +
				`<rect x="${CX - 24}" y="${CY - 44}" width="48" height="30" rx="6" fill="#fff3c4"/>`
			);
		}
		case "toast":
			return (
				plate() +
				`<rect x="${CX - 140}" y="${CY - 120}" width="280" height="250" rx="46" fill="#c98b45" transform="rotate(-8 ${CX} ${CY})"/>` +
				`<rect x="${CX - 118}" y="${CY - 98}" width="236" height="206" rx="36" fill="#efcf92" transform="rotate(-8 ${CX} ${CY})"/>` +
				scatter(
					random,
					10,
					80,
					(x, y, r) => `<circle cx="${f(x)}" cy="${f(y)}" r="${f(16 + r * 20)}" fill="${main}" opacity="0.9"/>`,
				) +
				`<rect x="${CX - 30}" y="${CY - 26}" width="60" height="40" rx="8" fill="${accent}"/>`
			);
		case "salad": {
			const leaves = scatter(
				random,
				26,
				150,
				(x, y, r) =>
					`<ellipse cx="${f(x)}" cy="${f(y)}" rx="${f(34 + r * 20)}" ry="18" fill="${r > 0.5 ? "#6fa84a" : "#9cc963"}" transform="rotate(${f(r * 360)} ${f(x)} ${f(y)})"/>`,
			);
			const bits = scatter(
				random,
				12,
				120,
				(x, y, r) => `<circle cx="${f(x)}" cy="${f(y)}" r="${f(12 + r * 10)}" fill="${r > 0.4 ? main : "#e0474c"}"/>`,
			);
			return plate() + leaves + bits;
		}
		case "cake":
			return (
				plate() +
				`<path d="M ${CX - 130} ${CY + 70} L ${CX + 140} ${CY + 20} L ${CX - 40} ${CY - 130} Z" fill="${main}" stroke="#f3e6cf" stroke-width="10" stroke-linejoin="round"/>` +
				`<path d="M ${CX - 130} ${CY + 70} L ${CX + 140} ${CY + 20} L ${CX + 130} ${CY + 44} L ${CX - 126} ${CY + 96} Z" fill="${accent}"/>` +
				scatter(
					random,
					5,
					60,
					(x, y) => `<circle cx="${f(x + 40)}" cy="${f(y + 90)}" r="14" fill="#e0474c" opacity="0.85"/>`,
				) +
				`<circle cx="${CX + 120}" cy="${CY - 90}" r="34" fill="#fff" opacity="0.95"/>`
			);
		default:
			return (
				plate() +
				scatter(
					random,
					7,
					110,
					(x, y, r) =>
						`<circle cx="${f(x)}" cy="${f(y)}" r="${f(40 + r * 24)}" fill="${main}" stroke="${accent}" stroke-width="8"/>`,
				) +
				scatter(random, 14, 140, (x, y) => `<circle cx="${f(x)}" cy="${f(y)}" r="8" fill="#6fa84a"/>`)
			);
	}
}

/** The SVG of one item's photo: the location's table, a napkin, and the dish. */
export function photoSvg(itemId: string, locationSlug: string): string {
	const random = randomFor(itemId);
	const { main, accent } = colours(itemId);
	const [table, grain] = TABLES[locationSlug] ?? ["#cdb08a", "#bfa27c"];
	const stripes = Array.from(
		{ length: 12 },
		(_, index) => `<rect x="0" y="${index * 56}" width="${PHOTO_WIDTH}" height="22" fill="${grain}" opacity="0.5"/>`,
	).join("");
	const napkin = `<rect x="${PHOTO_WIDTH - 170}" y="-40" width="240" height="260" rx="12" fill="${accent}" opacity="0.7" transform="rotate(${(18 + random() * 14).toFixed(1)} ${PHOTO_WIDTH - 50} 80)"/>`;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${PHOTO_WIDTH}" height="${PHOTO_HEIGHT}" viewBox="0 0 ${PHOTO_WIDTH} ${PHOTO_HEIGHT}">
<defs><radialGradient id="shadow"><stop offset="0.85" stop-color="#000" stop-opacity="0.22"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
<radialGradient id="plate" cx="45%" cy="40%" r="65%"><stop offset="0" stop-color="#ffffff"/><stop offset="0.8" stop-color="#f1ede4"/><stop offset="1" stop-color="#d9d3c6"/></radialGradient></defs>
<rect width="${PHOTO_WIDTH}" height="${PHOTO_HEIGHT}" fill="${table}"/>${stripes}${napkin}
${food(dishKind(itemId), main, accent, random)}
</svg>`;
}

/** One item's photo as WebP bytes. */
export async function renderPhoto(itemId: string, locationSlug: string): Promise<Buffer> {
	return sharp(Buffer.from(photoSvg(itemId, locationSlug)))
		.webp({ quality: 80 })
		.toBuffer();
}

export interface DemoPhoto {
	slug: string;
	itemId: string;
	bytes: Buffer;
}

/** Where each seeded item is. */
function demoItems(locations: SeedLocation[]): Omit<DemoPhoto, "bytes">[] {
	return locations.flatMap((location) =>
		location.categories.flatMap((category) => category.items.map((item) => ({ slug: location.slug, itemId: item.id }))),
	);
}

/** The photos of these items (every seeded item's by default). */
export async function renderDemoPhotos(
	items: Omit<DemoPhoto, "bytes">[] = demoItems(DEMO_LOCATIONS),
): Promise<DemoPhoto[]> {
	return Promise.all(items.map(async (item) => ({ ...item, bytes: await renderPhoto(item.itemId, item.slug) })));
}

export interface UploadedPhotos {
	count: number;
	/** The ids the API gave, per item: the SHA-256 of each photo's bytes. */
	imageIds: Record<string, string>;
}

/**
 * Uploads every photo with `token`, the access token of a manager of the
 * items' locations or of an admin, `concurrency` at a time. Throws naming the
 * first item refused.
 */
export async function uploadDemoPhotos(
	base: string,
	photos: DemoPhoto[],
	token: string,
	concurrency = 6,
): Promise<UploadedPhotos> {
	const imageIds: Record<string, string> = {};
	const queue = [...photos];
	const worker = async () => {
		for (let photo = queue.shift(); photo; photo = queue.shift()) {
			const response = await fetch(`${base}/api/v1/locations/${photo.slug}/items/${photo.itemId}/image`, {
				method: "PUT",
				headers: { "content-type": "image/webp", authorization: `Bearer ${token}` },
				body: photo.bytes,
			});
			const text = await response.text();
			if (!response.ok)
				throw new Error(`uploading the photo of ${photo.itemId}: ${response.status} ${text.slice(0, 300)}`);
			imageIds[photo.itemId] = (JSON.parse(text) as { image: { id: string } }).image.id;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return { count: photos.length, imageIds };
}

/** The account the demo's photos are uploaded as: the admin, who manages every location. */
export const PHOTO_UPLOADER = DEMO_ACCOUNTS.find(
	(account) => account.role === "admin",
) as (typeof DEMO_ACCOUNTS)[number];

/** The demo items whose location's menu shows no photo for them (a manager's own photo is left alone). */
async function withoutPhotos<Item extends Omit<DemoPhoto, "bytes">>(base: string, items: Item[]): Promise<Item[]> {
	const missing = new Set<string>();
	for (const slug of new Set(items.map((item) => item.slug))) {
		const response = await fetch(`${base}/api/v1/locations/${slug}/menu`);
		if (!response.ok) throw new Error(`reading the menu of ${slug}: ${response.status} ${await response.text()}`);
		const menu = (await response.json()) as { categories: { items: { id: string; image: unknown }[] }[] };
		for (const item of menu.categories.flatMap((category) => category.items)) if (!item.image) missing.add(item.id);
	}
	return items.filter((item) => missing.has(item.itemId));
}

/**
 * For `npm run dev`: waits for the server, then gives every demo item that has
 * no photo its drawn one, so a database seeded before photos existed (or
 * reseeded with `npm run db:seed -- --reset`) gets them too.
 */
export async function setDemoPhotos(base: string, { timeoutMs = 180_000 } = {}): Promise<string> {
	await waitForHealth(base, timeoutMs);
	// Only the missing ones are drawn: a start with every photo in place renders nothing.
	const missing = await withoutPhotos(base, demoItems(DEMO_LOCATIONS));
	if (missing.length === 0) return "Every demo item has its photo.";
	const started = Date.now();
	const [photos, token] = await Promise.all([
		renderDemoPhotos(missing),
		signIn(base, PHOTO_UPLOADER.email, PHOTO_UPLOADER.password),
	]);
	const { count } = await uploadDemoPhotos(base, photos, token);
	return `Uploaded a photo for ${count} demo items (as ${PHOTO_UPLOADER.email}, ${((Date.now() - started) / 1000).toFixed(1)} s).`;
}
