/**
 * The storefront: a location's menu by category, with search and allergen and
 * dietary filters, item details with options, and the cart beside it.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import type { NewLine } from "../api/endpoints";
import { fetchMenu } from "../api/endpoints";
import { ApiFailure } from "../api/http";
import type { Allergen, DietaryTag, Menu, MenuCategory, MenuItem, Money } from "../api/types";
import { knownAllergens, knownDietaryTags } from "../api/vocabulary";
import { CartLines, TotalsTable } from "../components/cart-summary";
import { CheckboxGroup } from "../components/field";
import { GoesWellWith } from "../components/goes-well-with";
import { availabilityNotice, ItemDialog, ItemPhoto } from "../components/item-dialog";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { allergenList, formatMoney, formatWindows, tagLabel } from "../format";
import { openStatus } from "../hours";
import { i18n, useI18n } from "../i18n";
import { errorText, pausedText } from "../i18n/errors";
import { Link } from "../router";
import { announce } from "../state/announcer";
import { addToCart, loadCart, useCart } from "../state/cart";
import { useSession } from "../state/session";

const MENU_REFRESH_MS = 60_000;

interface Filters {
	query: string;
	avoid: Allergen[];
	diets: DietaryTag[];
}

function matches(item: MenuItem, category: MenuCategory, { query, avoid, diets }: Filters): boolean {
	const text = query.trim().toLowerCase();
	if (text && !`${item.name} ${item.description} ${category.name}`.toLowerCase().includes(text)) return false;
	if (avoid.some((allergen) => item.allergens.includes(allergen))) return false;
	return diets.every((diet) => item.dietaryTags.includes(diet));
}

function statusBadge(item: MenuItem, category: MenuCategory): string | null {
	const { t } = i18n();
	if (item.unavailableReason === "sold_out") return t("menu.soldOut");
	if (item.unavailableReason === "outside_hours") {
		const windows = item.availability.length > 0 ? item.availability : category.availability;
		return t("menu.served", { windows: formatWindows(windows) });
	}
	if (item.unavailableReason === "closed") return t("menu.orderForLater");
	return null;
}

/** What a screen reader hears once an item is in the cart. */
function addedText(quantity: number, name: string, cart: { itemCount: number; totals: { total: Money } }): string {
	return i18n().t("menu.added", {
		quantity,
		name,
		count: cart.itemCount,
		total: formatMoney(cart.totals.total),
	});
}

function findItem(menu: Menu, itemId: string): { item: MenuItem; category: MenuCategory } | null {
	for (const category of menu.categories) {
		const item = category.items.find((candidate) => candidate.id === itemId);
		if (item) return { item, category };
	}
	return null;
}

function ItemCard({
	item,
	category,
	paused,
	onChoose,
}: {
	item: MenuItem;
	category: MenuCategory;
	/** Ordering is paused at the location: nothing can be added. */
	paused: boolean;
	onChoose: () => void;
}) {
	const { t } = useI18n();
	const badge = statusBadge(item, category);
	const titleId = `item-${item.id}`;
	return (
		<li class="item-card" aria-labelledby={titleId}>
			<ItemPhoto item={item} sizes="(min-width: 40rem) 112px, 96px" class="item-card-photo" />
			<div class="item-text">
				<h3 id={titleId}>{item.name}</h3>
				<p class="muted">{item.description}</p>
				{item.dietaryTags.length > 0 && (
					<ul class="tags" aria-label={t("menu.dietary")}>
						{item.dietaryTags.map((tag) => (
							<li key={tag}>{tagLabel(tag)}</li>
						))}
					</ul>
				)}
				{item.allergens.length > 0 && (
					<p class="small muted">{t("menu.contains", { allergens: allergenList(item.allergens) })}</p>
				)}
			</div>
			<div class="item-actions">
				<span class="price">{formatMoney(item.price)}</span>
				{badge && <span class={item.soldOut ? "badge badge-closed" : "badge"}>{badge}</span>}
				<button
					type="button"
					class="primary"
					data-add-item={item.id}
					aria-label={
						item.soldOut ? t("menu.itemSoldOut", { name: item.name }) : t("menu.addItem", { name: item.name })
					}
					disabled={item.soldOut || paused}
					onClick={onChoose}
				>
					{item.soldOut ? t("menu.soldOut") : t("menu.add")}
				</button>
			</div>
		</li>
	);
}

/** The way to checkout; while ordering is paused, a disabled button in its place. */
function CheckoutLink({ slug, paused, children }: { slug: string; paused: boolean; children: string }) {
	if (paused) {
		return (
			<button type="button" class="primary block" disabled>
				{children}
			</button>
		);
	}
	return (
		<Link href={`/locations/${slug}/checkout`} class="button primary block">
			{children}
		</Link>
	);
}

function CartPanel({
	slug,
	menu,
	paused,
	avoid,
	onChoose,
	onAdd,
}: {
	slug: string;
	menu: Menu;
	paused: boolean;
	avoid: Allergen[];
	onChoose: (item: MenuItem, category: MenuCategory) => void;
	onAdd: (item: MenuItem) => Promise<unknown>;
}) {
	const cart = useCart();
	const { t } = useI18n();
	const empty = !cart || cart.lines.length === 0;
	return (
		<aside class="cart-panel" aria-labelledby="cart-heading">
			<h2 id="cart-heading">{t("cart.title")}</h2>
			{empty ? (
				<p class="muted">{t("cart.empty")}</p>
			) : (
				<>
					<CartLines cart={cart} menu={menu} />
					<TotalsTable totals={cart.totals} fulfilment="pickup" />
					<CheckoutLink slug={slug} paused={paused}>
						{t("cart.goToCheckout")}
					</CheckoutLink>
					{!paused && (
						<GoesWellWith slug={slug} cart={cart} menu={menu} avoid={avoid} onChoose={onChoose} onAdd={onAdd} />
					)}
				</>
			)}
		</aside>
	);
}

/** On a phone the cart sits below the menu; this bar keeps it one tap away. */
function CartBar({ slug, paused }: { slug: string; paused: boolean }) {
	const cart = useCart();
	const { t } = useI18n();
	if (!cart || cart.itemCount === 0) return null;
	return (
		<div class="cart-bar">
			<CheckoutLink slug={slug} paused={paused}>
				{t("cart.bar", { count: cart.itemCount, total: formatMoney(cart.totals.total) })}
			</CheckoutLink>
		</div>
	);
}

function FilterPanel({ filters, onChange }: { filters: Filters; onChange: (filters: Filters) => void }) {
	const { t } = useI18n();
	const active = filters.avoid.length + filters.diets.length;
	return (
		<details class="filters">
			<summary>{t("menu.filters", { active })}</summary>
			<CheckboxGroup
				legend={t("menu.filters.avoid")}
				name="avoid"
				values={EU_ALLERGENS}
				selected={filters.avoid}
				onChange={(avoid) => onChange({ ...filters, avoid })}
				label={tagLabel}
			/>
			<CheckboxGroup
				legend={t("menu.filters.diets")}
				name="diet"
				values={DIETARY_TAGS}
				selected={filters.diets}
				onChange={(diets) => onChange({ ...filters, diets })}
				label={tagLabel}
			/>
		</details>
	);
}

export function MenuPage({ slug }: { slug: string }) {
	const { profile } = useSession();
	const { t, intl, language } = useI18n();
	const [menu, setMenu] = useState<Menu | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [filters, setFilters] = useState<Filters>({
		query: "",
		avoid: knownAllergens(profile?.avoidAllergens ?? []),
		diets: knownDietaryTags(profile?.dietaryPreferences ?? []),
	});
	/** The item whose dialog is open, by id: a menu read again (in another language, say) shows it afresh. */
	const [chosenId, setChosenId] = useState<string | null>(null);

	const refreshMenu = () =>
		fetchMenu(slug)
			.then((next) => {
				setMenu(next);
				setError(null);
			})
			.catch((failure) => setError(errorText(failure)));

	useEffect(() => {
		refreshMenu();
		const timer = setInterval(refreshMenu, MENU_REFRESH_MS);
		const onVisible = () => document.visibilityState === "visible" && refreshMenu();
		document.addEventListener("visibilitychange", onVisible);
		return () => {
			clearInterval(timer);
			document.removeEventListener("visibilitychange", onVisible);
		};
	}, [slug, language]);

	useEffect(() => {
		loadCart(slug).catch((failure) => setError(errorText(failure)));
	}, [slug, profile?.id]);

	const visible = useMemo(
		() =>
			(menu?.categories ?? [])
				.map((category) => ({ category, items: category.items.filter((item) => matches(item, category, filters)) }))
				.filter(({ items }) => items.length > 0),
		[menu, filters],
	);

	if (!menu) {
		return (
			<section>
				<PageHeading title={t("menu.title")}>{t("menu.title")}</PageHeading>
				{error ? <ErrorMessage message={error} /> : <Loading what={t("menu.loading")} />}
			</section>
		);
	}

	const chosen = chosenId ? findItem(menu, chosenId) : null;
	const choose = (item: MenuItem) => setChosenId(item.id);

	const status = openStatus(menu.location, menu.openNow);
	const ordering = menu.location.ordering;
	const shown = visible.reduce((sum, { items }) => sum + items.length, 0);
	const total = menu.categories.reduce((sum, category) => sum + category.items.length, 0);

	const add = async (line: NewLine) => {
		try {
			const cart = await addToCart(slug, line);
			announce(addedText(line.quantity ?? 1, chosen?.item.name ?? t("menu.anItem"), cart));
		} catch (failure) {
			if (failure instanceof ApiFailure && failure.code === "item_sold_out") refreshMenu();
			throw failure;
		}
	};

	return (
		<div class="storefront">
			<section class="menu-column" aria-labelledby="menu-title">
				<div class="location-header">
					<PageHeading title={menu.location.name}>
						<span id="menu-title">{menu.location.name}</span>
					</PageHeading>
					<p>
						<span class={status.open ? "badge badge-open" : "badge badge-closed"}>{status.text}</span>{" "}
						<Link href="/">{t("menu.changeLocation")}</Link>
					</p>
					{ordering.paused && (
						<p class="notice ordering-paused-notice" role="status">
							{pausedText(ordering.reason)}
						</p>
					)}
					{!menu.openNow && !ordering.paused && <p class="notice">{t("menu.closedNow")}</p>}
					{menu.language !== language && (
						<p class="muted small" lang={language}>
							{t("menu.otherLanguage", {
								menuLanguage: intl.formatDisplayName(menu.language, { type: "language" }) ?? menu.language,
							})}
						</p>
					)}
				</div>
				<search class="menu-tools">
					<div class="field">
						<label for="menu-search">{t("menu.search")}</label>
						<input
							id="menu-search"
							type="search"
							placeholder={t("menu.search.placeholder")}
							value={filters.query}
							onInput={(event) => setFilters({ ...filters, query: event.currentTarget.value })}
						/>
					</div>
					<FilterPanel filters={filters} onChange={setFilters} />
					<p class="muted small" role="status">
						{shown === total ? t("menu.count", { total }) : t("menu.countShown", { shown, total })}
					</p>
				</search>
				<ErrorMessage message={error} />
				{visible.length > 0 && (
					<nav class="category-nav" aria-label={t("menu.categories")}>
						<ul>
							{visible.map(({ category }) => (
								<li key={category.id}>
									<a href={`#cat-${category.id}`}>{category.name}</a>
								</li>
							))}
						</ul>
					</nav>
				)}
				{visible.length === 0 && <p>{t("menu.noMatch")}</p>}
				{visible.map(({ category, items }) => (
					<section key={category.id} id={`cat-${category.id}`} class="category" aria-labelledby={`h-${category.id}`}>
						<h2 id={`h-${category.id}`}>{category.name}</h2>
						{category.availability.length > 0 && (
							<p class="muted small">{t("menu.served", { windows: formatWindows(category.availability) })}</p>
						)}
						<ul class="item-list">
							{items.map((item) => (
								<ItemCard
									key={item.id}
									item={item}
									category={category}
									paused={ordering.paused}
									onChoose={() => choose(item)}
								/>
							))}
						</ul>
					</section>
				))}
			</section>
			<CartPanel
				slug={slug}
				menu={menu}
				paused={ordering.paused}
				avoid={filters.avoid}
				onChoose={(item) => choose(item)}
				onAdd={async (item) => {
					const cart = await addToCart(slug, { itemId: item.id, quantity: 1 });
					announce(addedText(1, item.name, cart));
				}}
			/>
			<CartBar slug={slug} paused={ordering.paused} />
			{chosen && (
				<ItemDialog
					key={chosen.item.id}
					item={chosen.item}
					notice={availabilityNotice(chosen.item, chosen.category.availability)}
					onAdd={add}
					onClose={() => setChosenId(null)}
				/>
			)}
		</div>
	);
}
