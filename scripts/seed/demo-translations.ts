/**
 * The demo menus in more than one language: Tokyo's is written in Japanese
 * with English beside it, New York's in English with Spanish beside it.
 * The catalogue is authored in English; `inLanguage` turns a location's menu
 * into another language (its default, English kept as a translation) and
 * `withTranslation` adds one beside it. Both throw on a name the dictionary
 * lacks, so a menu item added later cannot quietly stay untranslated.
 */
import type { Language } from "../../workers/api/src/menu/domain/language";
import type { SeedCategory, SeedItem, SeedLocation, SeedModifierGroup, SeedOption } from "./types";

interface Text {
	name: string;
	description: string;
}

/** One language's text for a location's menu: categories and items by id; groups and options by English name. */
export interface MenuDictionary {
	categories: Record<string, Text>;
	items: Record<string, Text>;
	groups: Record<string, string>;
	/** `"Group › Option"` for a name that reads differently by group (a hot drink vs a hot curry), else `"Option"`. */
	options: Record<string, string>;
}

function lookup<T>(table: Record<string, T>, key: string, what: string, slug: string): T {
	const found = table[key];
	if (found === undefined) throw new Error(`${slug}: no translation of ${what} ${JSON.stringify(key)}`);
	return found;
}

interface Translator {
	text(kind: "categories" | "items", id: string): Text;
	group(group: SeedModifierGroup): string;
	option(group: SeedModifierGroup, option: SeedOption): string;
}

function translator(dictionary: MenuDictionary, slug: string): Translator {
	return {
		text: (kind, id) => lookup(dictionary[kind], id, kind === "items" ? "item" : "category", slug),
		group: (group) => lookup(dictionary.groups, group.name, "group", slug),
		option: (group, option) =>
			dictionary.options[`${group.name} › ${option.name}`] ??
			lookup(dictionary.options, option.name, `option (of ${group.name})`, slug),
	};
}

/** Rewrites every name and description through `rewrite`, which answers the new text and translations. */
function mapMenu(
	location: SeedLocation,
	t: Translator,
	rewrite: <F extends "name" | "description">(
		base: Record<F, string>,
		other: Record<F, string>,
		previous: SeedItem["translations"],
	) => { base: Record<F, string>; translations: NonNullable<SeedItem["translations"]> },
): SeedCategory[] {
	const withText = <Entity extends Text & { translations?: SeedItem["translations"] }>(entity: Entity, other: Text) => {
		const { base, translations } = rewrite(
			{ name: entity.name, description: entity.description },
			other,
			entity.translations,
		);
		return { ...entity, ...base, translations };
	};
	const withName = <Entity extends { name: string; translations?: SeedOption["translations"] }>(
		entity: Entity,
		other: string,
	) => {
		const { base, translations } = rewrite({ name: entity.name }, { name: other }, entity.translations);
		return { ...entity, ...base, translations };
	};
	return location.categories.map((category) => ({
		...withText(category, t.text("categories", category.id)),
		items: category.items.map((item) => ({
			...withText(item, t.text("items", item.id)),
			modifierGroups: item.modifierGroups.map((group) => ({
				...withName(group, t.group(group)),
				options: group.options.map((option) => withName(option, t.option(group, option))),
			})),
		})),
	}));
}

/** The location with its menu written in `language` (now its default) and the English kept as a translation. */
export function inLanguage(
	location: SeedLocation,
	language: Language,
	dictionary: MenuDictionary,
	languages: Language[] = [language, location.defaultLanguage],
): SeedLocation {
	const from = location.defaultLanguage;
	return {
		...location,
		defaultLanguage: language,
		languages,
		categories: mapMenu(location, translator(dictionary, location.slug), (base, other, previous) => ({
			base: other,
			translations: { ...previous, [from]: base },
		})),
	};
}

/** The location with `language` offered beside its default, its menu translated from the dictionary. */
export function withTranslation(location: SeedLocation, language: Language, dictionary: MenuDictionary): SeedLocation {
	return {
		...location,
		languages: [...new Set([...location.languages, language])],
		categories: mapMenu(location, translator(dictionary, location.slug), (base, other, previous) => ({
			base,
			translations: { ...previous, [language]: other },
		})),
	};
}

/** Tokyo, Shibuya in Japanese. */
export const TOKYO_JAPANESE: MenuDictionary = {
	categories: {
		"cat-tyo-breakfast": { name: "モーニング", description: "喫茶店スタイルのモーニングセット。10時30分まで。" },
		"cat-tyo-onigiri": { name: "おにぎり・サンド", description: "一日を通して作りたてのおにぎりとサンドイッチ。" },
		"cat-tyo-mains": { name: "丼・カレー", description: "炊きたてご飯にのせた丼ものと日本のカレー。" },
		"cat-tyo-sweets": { name: "甘味", description: "カフェのスイーツと和菓子。" },
		"cat-tyo-drinks": { name: "ドリンク", description: "宇治抹茶、ほうじ茶、ハンドドリップコーヒー。" },
	},
	items: {
		"itm-tyo-tamago-sando": {
			name: "たまごサンド",
			description: "マヨネーズで和えたなめらかな卵サラダを、耳を落としたふんわり食パンでサンド。",
		},
		"itm-tyo-salmon-breakfast": {
			name: "焼き鮭の朝定食",
			description: "塩焼きの鮭、ご飯、味噌汁、卵焼き、お新香。",
		},
		"itm-tyo-ogura-toast": {
			name: "小倉トースト",
			description: "名古屋風の厚切りトーストに有塩バターとつぶあん。",
		},
		"itm-tyo-pizza-toast": {
			name: "ピザトースト",
			description: "喫茶店の定番：厚切りトーストにトマトソース、ハム、ピーマン、とろけるモッツァレラ。",
		},
		"itm-tyo-matcha-granola": {
			name: "抹茶グラノーラヨーグルト",
			description: "濃厚ヨーグルトに抹茶とアーモンドのグラノーラ、季節のフルーツ、黒蜜をひとかけ。",
		},
		"itm-tyo-salmon-onigiri": {
			name: "鮭おにぎり",
			description: "ほぐした焼き鮭を薄塩のご飯で包み、パリッとした海苔で。",
		},
		"itm-tyo-tuna-mayo-onigiri": {
			name: "ツナマヨおにぎり",
			description: "日本で一番人気のおにぎり：ツナとマヨネーズ、海苔巻き。",
		},
		"itm-tyo-umeboshi-onigiri": { name: "梅おにぎり", description: "酸っぱい梅干しと赤しそを塩むすびに、海苔巻き。" },
		"itm-tyo-katsu-sando": {
			name: "ロースカツサンド",
			description: "パン粉をまとった豚ロース、とんかつソース、千切りキャベツをトーストした食パンで。",
		},
		"itm-tyo-fruit-sando": {
			name: "フルーツサンド",
			description: "いちご、キウイ、みかんを甘さ控えめの生クリームと一緒にミルクパンで。",
		},
		"itm-tyo-katsu-curry": {
			name: "チキンカツカレー",
			description: "パン粉をまとった鶏もものカツに濃厚な日本のカレー、ご飯と福神漬け。",
		},
		"itm-tyo-vegetable-curry": {
			name: "ヴィーガン野菜カレー",
			description: "季節の野菜をじっくり煮込んだカレー。肉、乳製品、出汁は使っていません。",
		},
		"itm-tyo-oyakodon": {
			name: "親子丼",
			description: "鶏肉と卵を出汁、醤油、みりんで煮てご飯にのせ、三つ葉を添えて。",
		},
		"itm-tyo-gyudon": {
			name: "牛丼",
			description: "薄切り牛肉と玉ねぎを甘い醤油と出汁で煮てご飯にのせ、紅しょうがを添えて。",
		},
		"itm-tyo-teriyaki-salmon-bowl": {
			name: "鮭の照り焼き丼",
			description: "照り焼きの鮭をご飯にのせ、枝豆、大根の漬物、炒りごまを添えて。",
		},
		"itm-tyo-matcha-roll": {
			name: "抹茶ロールケーキ",
			description: "軽い抹茶スポンジで生クリームと甘い小豆を巻きました。",
		},
		"itm-tyo-dorayaki": { name: "どら焼き", description: "はちみつ入りの生地で、なめらかなこしあんをはさみました。" },
		"itm-tyo-purin": {
			name: "昔ながらのプリン",
			description: "固めの昔ながらのカスタードプリン、ほろ苦いカラメルで。",
		},
		"itm-tyo-warabi-mochi": {
			name: "わらび餅",
			description: "ぷるぷるのわらび餅にきな粉をまぶし、黒蜜をかけて。",
		},
		"itm-tyo-matcha-latte": {
			name: "抹茶ラテ",
			description: "注文ごとに点てる宇治の上質な抹茶に、スチームミルクを。",
		},
		"itm-tyo-hojicha-latte": {
			name: "ほうじ茶ラテ",
			description: "焙じた緑茶にスチームミルク。香ばしく、まろやかで、カフェイン控えめ。",
		},
		"itm-tyo-hand-drip": {
			name: "ハンドドリップコーヒー",
			description: "一杯ずつ淹れるハンドドリップ。本日のシングルオリジンはスタッフまで。",
		},
		"itm-tyo-iced-sencha": { name: "水出し煎茶", description: "静岡の煎茶を水出しで。無糖。" },
		"itm-tyo-yuzu-soda": { name: "ゆずソーダ", description: "自家製ゆずシロップを炭酸水で割りました。" },
	},
	groups: {
		"Make it a set": "セットにする",
		Rice: "ご飯",
		Extras: "追加",
		Sauces: "ソース",
		"Spice level": "辛さ",
		Toppings: "トッピング",
		Topping: "トッピング",
		Size: "サイズ",
		"Hot or iced": "ホット・アイス",
		Milk: "ミルク",
		Beans: "豆",
	},
	options: {
		"Hot coffee": "ホットコーヒー",
		"Iced coffee": "アイスコーヒー",
		"Hot green tea": "温かい緑茶",
		"White rice": "白ご飯",
		"Large white rice": "白ご飯大盛り",
		"Multigrain rice": "雑穀米",
		"Whipped cream": "ホイップクリーム",
		"Boiled egg": "ゆで卵",
		"Extra tonkatsu sauce": "とんかつソース増量",
		"Karashi mustard": "からし",
		"Japanese mayonnaise": "マヨネーズ",
		"Rice › Regular": "並盛り",
		"Large (ōmori)": "大盛り",
		Mild: "甘口",
		Medium: "中辛",
		"Spice level › Hot": "辛口",
		"Soft-boiled egg": "半熟卵",
		"Melted cheese": "とろけるチーズ",
		"Fried aubergine": "揚げなす",
		"Extra katsu": "カツ増量",
		"Onsen egg": "温泉卵",
		"Shichimi chilli": "七味唐辛子",
		Kimchi: "キムチ",
		"Grated cheese": "粉チーズ",
		"Spring onion": "ねぎ",
		Cherry: "さくらんぼ",
		"Size › Regular": "レギュラー",
		"Size › Large": "ラージ",
		"Hot or iced › Hot": "ホット",
		Iced: "アイス",
		"Whole milk": "牛乳",
		"Oat milk": "オーツミルク",
		"Soy milk": "豆乳",
		"Extra matcha": "抹茶増量",
		"Kuromitsu syrup": "黒蜜",
		"House blend": "ハウスブレンド",
		"Ethiopia Yirgacheffe": "エチオピア イルガチェフェ",
		"Guatemala Huehuetenango": "グアテマラ ウエウエテナンゴ",
	},
};

/** New York, Chelsea in Spanish. */
export const CHELSEA_SPANISH: MenuDictionary = {
	categories: {
		"cat-nyc-breakfast": { name: "Desayuno", description: "Bagels, huevos y clásicos de plancha hasta las 11 a. m." },
		"cat-nyc-sandwiches": {
			name: "Sándwiches y ensaladas",
			description: "Sándwiches de deli, hamburguesas y ensaladas grandes, todo el día.",
		},
		"cat-nyc-sides": {
			name: "Acompañamientos y sopa",
			description: "Papas fritas, guarniciones de deli y un buen plato de sopa.",
		},
		"cat-nyc-desserts": { name: "Postres", description: "Dulces neoyorquinos de nuestra panadería." },
		"cat-nyc-drinks": { name: "Bebidas", description: "Espresso, cold brew y clásicos de fuente de soda." },
	},
	items: {
		"itm-nyc-lox-bagel": {
			name: "Bagel de salmón ahumado y queso crema",
			description:
				"Salmón ahumado Nova, queso crema con cebollín, alcaparras, cebolla morada y tomate en un bagel hervido y enrollado a mano.",
		},
		"itm-nyc-bacon-egg-cheese": {
			name: "Tocino, huevo y queso",
			description:
				"El clásico de bodega: dos huevos fritos, tocino crujiente y queso americano fundido en un pan kaiser con mantequilla.",
		},
		"itm-nyc-pancakes": {
			name: "Panqueques de suero de leche",
			description: "Panqueques esponjosos de suero de leche con mantequilla batida y jarabe de arce puro de Vermont.",
		},
		"itm-nyc-yogurt-parfait": {
			name: "Parfait de yogur griego",
			description:
				"Yogur griego en capas con granola de almendras de la casa, frutos rojos frescos y miel de flores silvestres local.",
		},
		"itm-nyc-egg-white-wrap": {
			name: "Wrap de claras y espinaca",
			description: "Claras de huevo, espinaca baby, queso feta y tomates asados en un wrap integral tostado.",
		},
		"itm-nyc-pastrami-on-rye": {
			name: "Pastrami en pan de centeno",
			description:
				"Pastrami a la pimienta cortado a mano, bien alto, en pan de centeno con semillas y mostaza oscura picante.",
		},
		"itm-nyc-reuben": {
			name: "Reuben",
			description: "Corned beef, queso suizo, chucrut y aderezo ruso en pan de centeno a la plancha.",
		},
		"itm-nyc-cobb-salad": {
			name: "Ensalada Cobb",
			description:
				"Pollo a la parrilla, tocino, huevo duro, aguacate, queso azul y tomate sobre lechuga romana picada.",
		},
		"itm-nyc-turkey-club": {
			name: "Club de pavo",
			description:
				"Pechuga de pavo asada, tocino ahumado, lechuga, tomate y mayonesa en pan blanco tostado, de tres pisos.",
		},
		"itm-nyc-chicken-parm": {
			name: "Hero de pollo a la parmesana",
			description:
				"Milanesa de pollo empanizada, salsa marinara de domingo, mozzarella fresca y parmesano en un pan hero de ajonjolí tostado.",
		},
		"itm-nyc-smash-burger": {
			name: "Hamburguesa smash doble",
			description:
				"Dos medallones de res aplastados, queso americano, pepinillos, cebolla y salsa de la casa en un pan de papa tostado.",
		},
		"itm-nyc-falafel-bowl": {
			name: "Bowl de falafel y granos",
			description:
				"Falafel con hierbas, quinoa, hummus, ensalada de pepino y tomate, cebolla morada encurtida y tahini.",
		},
		"itm-nyc-chicken-waffles": {
			name: "Pollo y waffles de fin de semana",
			description:
				"Solo en el brunch del fin de semana: pollo frito en suero de leche sobre un waffle belga con miel picante y mantequilla de arce.",
		},
		"itm-nyc-fries": { name: "Papas fritas finas", description: "Papas fritas finas y crujientes con sal de mar." },
		"itm-nyc-mac-cheese": {
			name: "Macarrones con queso",
			description: "Cavatappi horneados en salsa de cheddar fuerte y gruyer, bajo pan rallado tostado.",
		},
		"itm-nyc-pickles": {
			name: "Pepinillos half-sour",
			description: "Pepinillos crujientes con ajo y eneldo, curtidos en casa.",
		},
		"itm-nyc-matzo-ball-soup": {
			name: "Sopa de bolas de matzá",
			description: "Caldo dorado de pollo con una esponjosa bola de matzá, zanahoria, apio y eneldo fresco.",
		},
		"itm-nyc-cheesecake": {
			name: "Cheesecake de Nueva York",
			description: "Cheesecake horneado, denso y cremoso, sobre una base de galleta graham.",
		},
		"itm-nyc-black-white-cookie": {
			name: "Galleta blanca y negra",
			description: "Una galleta suave como bizcocho, glaseada mitad con fondant de vainilla y mitad con chocolate.",
		},
		"itm-nyc-babka": {
			name: "Babka de chocolate",
			description: "Una rebanada gruesa de babka trenzada con mantequilla y espirales de chocolate amargo.",
		},
		"itm-nyc-cold-brew": {
			name: "Cold brew",
			description: "Infusionado durante 18 horas para una taza suave y achocolatada. Servido con hielo.",
		},
		"itm-nyc-latte": { name: "Latte", description: "Un doble espresso con leche vaporizada." },
		"itm-nyc-drip-coffee": {
			name: "Café de filtro",
			description: "Nuestro tueste medio de la casa, recién preparado cada 30 minutos.",
		},
		"itm-nyc-egg-cream": {
			name: "Egg cream de chocolate",
			description: "El clásico de fuente de soda: jarabe de chocolate, leche fría y agua con gas. Sin huevo ni crema.",
		},
		"itm-nyc-lemonade": {
			name: "Limonada recién exprimida",
			description: "Limones exprimidos en casa, ligeramente endulzada con azúcar de caña.",
		},
	},
	groups: {
		Bagel: "Bagel",
		Extras: "Extras",
		Bread: "Pan",
		Sauces: "Salsas",
		Size: "Tamaño",
		Side: "Acompañamiento",
		Dressing: "Aderezo",
		Topping: "Cobertura",
		Milk: "Leche",
	},
	options: {
		Everything: "Everything (con todo)",
		"Bagel › Plain": "Natural",
		"Bagel › Sesame": "Ajonjolí",
		"Poppy seed": "Semillas de amapola",
		"Whole wheat": "Integral",
		"Extra lox": "Salmón ahumado extra",
		Avocado: "Aguacate",
		"Double cream cheese": "Doble queso crema",
		"Kaiser roll": "Pan kaiser",
		"Everything bagel": "Bagel everything",
		"Plain bagel": "Bagel natural",
		"Toasted hero": "Pan hero tostado",
		"Salt, pepper & ketchup": "Sal, pimienta y kétchup",
		"Hot sauce": "Salsa picante",
		Sriracha: "Sriracha",
		"Short stack (3)": "Pila corta (3)",
		"Tall stack (5)": "Pila alta (5)",
		Blueberries: "Arándanos",
		"Chocolate chips": "Chispas de chocolate",
		"Sliced bananas": "Plátano en rodajas",
		"Side of bacon": "Porción de tocino",
		"Turkey bacon": "Tocino de pavo",
		"Pepper jack": "Queso pepper jack",
		Regular: "Normal",
		"Double-stacked": "Doble relleno",
		"Half-sour pickle": "Pepinillo half-sour",
		Coleslaw: "Ensalada de col",
		"Potato salad": "Ensalada de papa",
		Fries: "Papas fritas",
		"Red wine vinaigrette": "Vinagreta de vino tinto",
		"Blue cheese": "Queso azul",
		Ranch: "Ranch",
		"Extra chicken": "Pollo extra",
		"Extra bacon": "Tocino extra",
		"Extra egg": "Huevo extra",
		"Extra mozzarella": "Mozzarella extra",
		"Hot cherry peppers": "Pimientos cereza picantes",
		"Sautéed onions": "Cebolla salteada",
		"Shoestring fries": "Papas fritas finas",
		"Sweet potato fries": "Papas fritas de camote",
		"Side salad": "Ensalada de acompañamiento",
		Bacon: "Tocino",
		"Extra patty": "Medallón extra",
		"Fried egg": "Huevo frito",
		"Pickled jalapeños": "Jalapeños encurtidos",
		"Extra falafel": "Falafel extra",
		"Warm pita": "Pan pita caliente",
		"Extra hot honey": "Miel picante extra",
		"Maple syrup": "Jarabe de arce",
		"Sausage gravy": "Gravy de salchicha",
		Large: "Grande",
		Ketchup: "Kétchup",
		"Chipotle mayo": "Mayonesa de chipotle",
		"Honey mustard": "Mostaza con miel",
		"Bacon bits": "Trocitos de tocino",
		Cup: "Taza",
		Bowl: "Tazón",
		"Strawberry compote": "Compota de fresa",
		"Sour cherry": "Guinda",
		"Salted caramel": "Caramelo salado",
		"16 oz": "16 oz",
		"24 oz": "24 oz",
		"12 oz": "12 oz",
		Small: "Chico",
		"Whole milk": "Leche entera",
		"Oat milk": "Leche de avena",
		"Almond milk": "Leche de almendra",
		"Soy milk": "Leche de soya",
		"Vanilla syrup": "Jarabe de vainilla",
		"Sweet cream cold foam": "Espuma fría de crema dulce",
		"Espresso shot": "Shot de espresso",
		"Extra shot": "Shot extra",
		"Caramel syrup": "Jarabe de caramelo",
		"Hazelnut syrup": "Jarabe de avellana",
	},
};
