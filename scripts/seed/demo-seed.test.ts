/**
 * The demo's languages and photos: every Tokyo and New York name has its
 * translation, and every item gets a picture of its own. Run with
 * `npx vitest run scripts/seed` (the unit project).
 */
import assert from "node:assert/strict";
import sharp from "sharp";
import { describe, it } from "vitest";
import { DEMO_LOCATIONS } from "./demo-catalogue";
import { dishKind, PHOTO_HEIGHT, PHOTO_WIDTH, photoSvg, renderPhoto } from "./demo-photos";
import { inLanguage, TOKYO_JAPANESE } from "./demo-translations";
import { demoSeedStatements } from "./sql";
import type { SeedLocation } from "./types";

const location = (slug: string) => DEMO_LOCATIONS.find((candidate) => candidate.slug === slug) as SeedLocation;

/** Every translatable thing of a location's menu: its base text and its translations. */
function texts(seed: SeedLocation) {
	return seed.categories.flatMap((category) => [
		category,
		...category.items.flatMap((item) => [item, ...item.modifierGroups.flatMap((group) => [group, ...group.options])]),
	]);
}

describe("the demo menus' languages", () => {
	it("writes Tokyo's menu in Japanese, with every name in English beside it", () => {
		const tokyo = location("tokyo-shibuya");
		assert.equal(tokyo.defaultLanguage, "ja");
		assert.deepEqual(tokyo.languages, ["ja", "en"]);
		const tamago = tokyo.categories[0].items.find((item) => item.id === "itm-tyo-tamago-sando");
		assert.equal(tamago?.name, "たまごサンド");
		assert.equal(tamago?.translations?.en?.name, "Tamago Sando");
		for (const text of texts(tokyo)) {
			assert.match(text.name, /[\u3040-\u30ff\u4e00-\u9fff]/, `${text.name} is not Japanese`);
			assert.ok(text.translations?.en?.name, `${text.name} has no English name`);
		}
	});

	it("offers New York's menu in Spanish beside its English", () => {
		const chelsea = location("new-york-chelsea");
		assert.equal(chelsea.defaultLanguage, "en");
		assert.deepEqual(chelsea.languages, ["en", "es"]);
		for (const text of texts(chelsea)) assert.ok(text.translations?.es?.name, `${text.name} has no Spanish name`);
		const pancakes = chelsea.categories[0].items.find((item) => item.id === "itm-nyc-pancakes");
		assert.equal(pancakes?.translations?.es?.name, "Panqueques de suero de leche");
	});

	it("keeps London in English only", () => {
		const soho = location("london-soho");
		assert.deepEqual([soho.defaultLanguage, soho.languages], ["en", ["en"]]);
		for (const text of texts(soho)) assert.equal(text.translations, undefined);
	});

	it("refuses to seed a name the dictionary does not translate", () => {
		const soho = location("london-soho");
		const [category] = soho.categories;
		const english: SeedLocation = {
			...soho,
			categories: [
				{
					...category,
					id: "cat-tyo-sweets",
					items: [{ ...category.items[0], id: "itm-tyo-dorayaki", modifierGroups: [] }],
				},
			],
		};
		assert.equal(inLanguage(english, "ja", TOKYO_JAPANESE).categories[0].items[0].name, "どら焼き");
		const dictionary = { ...TOKYO_JAPANESE, items: { ...TOKYO_JAPANESE.items } };
		delete dictionary.items["itm-tyo-dorayaki"];
		assert.throws(() => inLanguage(english, "ja", dictionary), /no translation of item "itm-tyo-dorayaki"/);
	});

	it("writes the translations and languages into the seed's SQL, and no image", () => {
		const sql = demoSeedStatements().join("\n");
		assert.match(sql, /'ja', '\["ja","en"\]'/);
		assert.match(sql, /"en":\{"name":"Tamago Sando"/);
		assert.doesNotMatch(sql, /menu\/tokyo-shibuya\/.*\.jpg/);
	});
});

describe("the demo photos", () => {
	const items = DEMO_LOCATIONS.flatMap((seed) =>
		seed.categories.flatMap((category) => category.items.map((item) => ({ slug: seed.slug, id: item.id }))),
	);

	it("draws every item without text, as a machine may have no fonts", () => {
		for (const item of items) assert.doesNotMatch(photoSvg(item.id, item.slug), /<text/);
	});

	it("draws drinks as drinks and bowls as bowls", () => {
		assert.equal(dishKind("itm-tyo-matcha-latte"), "cup");
		assert.equal(dishKind("itm-tyo-yuzu-soda"), "glass");
		assert.equal(dishKind("itm-tyo-katsu-curry"), "bowl");
		assert.equal(dishKind("itm-tyo-salmon-onigiri"), "onigiri");
		assert.equal(dishKind("itm-tyo-tamago-sando"), "sandwich");
		assert.equal(dishKind("itm-tyo-matcha-roll"), "cake");
	});

	it("renders a WebP of the photo's size, the same bytes every time and different for each item", async () => {
		const sample = items.filter((_, index) => index % 9 === 0);
		const rendered = await Promise.all(sample.map((item) => renderPhoto(item.id, item.slug)));
		for (const bytes of rendered) {
			const meta = await sharp(bytes).metadata();
			assert.deepEqual([meta.format, meta.width, meta.height], ["webp", PHOTO_WIDTH, PHOTO_HEIGHT]);
		}
		assert.equal(new Set(rendered.map((bytes) => bytes.toString("base64"))).size, sample.length);
		assert.ok((await renderPhoto(sample[0].id, sample[0].slug)).equals(rendered[0]));
	});
});
