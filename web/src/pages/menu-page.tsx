/**
 * The storefront: a location's menu by category, with search and allergen and
 * dietary filters, item details with options, and the cart beside it.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import type { NewLine } from "../api/endpoints";
import { fetchMenu } from "../api/endpoints";
import { ApiFailure, messageOf } from "../api/http";
import type { Allergen, DietaryTag, Menu, MenuCategory, MenuItem } from "../api/types";
import { knownAllergens, knownDietaryTags } from "../api/vocabulary";
import { CartLines, TotalsTable } from "../components/cart-summary";
import { CheckboxGroup } from "../components/field";
import { GoesWellWith } from "../components/goes-well-with";
import { availabilityNotice, ItemDialog } from "../components/item-dialog";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { formatMoney, formatWindows, tagLabel } from "../format";
import { openStatus } from "../hours";
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
	if (item.unavailableReason === "sold_out") return "Sold out";
	if (item.unavailableReason === "outside_hours") {
		const windows = item.availability.length > 0 ? item.availability : category.availability;
		return `Served ${formatWindows(windows)}`;
	}
	if (item.unavailableReason === "closed") return "Order for later";
	return null;
}

function ItemCard({ item, category, onChoose }: { item: MenuItem; category: MenuCategory; onChoose: () => void }) {
	const badge = statusBadge(item, category);
	const titleId = `item-${item.id}`;
	return (
		<li class="item-card" aria-labelledby={titleId}>
			<div class="item-text">
				<h3 id={titleId}>{item.name}</h3>
				<p class="muted">{item.description}</p>
				{item.dietaryTags.length > 0 && (
					<ul class="tags" aria-label="Dietary">
						{item.dietaryTags.map((tag) => (
							<li key={tag}>{tagLabel(tag)}</li>
						))}
					</ul>
				)}
				{item.allergens.length > 0 && (
					<p class="small muted">Contains: {item.allergens.map(tagLabel).join(", ").toLowerCase()}</p>
				)}
			</div>
			<div class="item-actions">
				<span class="price">{formatMoney(item.price)}</span>
				{badge && <span class={item.soldOut ? "badge badge-closed" : "badge"}>{badge}</span>}
				<button
					type="button"
					class="primary"
					data-add-item={item.id}
					aria-label={item.soldOut ? `${item.name} is sold out` : `Add ${item.name}`}
					disabled={item.soldOut}
					onClick={onChoose}
				>
					{item.soldOut ? "Sold out" : "Add"}
				</button>
			</div>
		</li>
	);
}

function CartPanel({
	slug,
	menu,
	avoid,
	onChoose,
	onAdd,
}: {
	slug: string;
	menu: Menu;
	avoid: Allergen[];
	onChoose: (item: MenuItem, category: MenuCategory) => void;
	onAdd: (item: MenuItem) => Promise<unknown>;
}) {
	const cart = useCart();
	const empty = !cart || cart.lines.length === 0;
	return (
		<aside class="cart-panel" aria-labelledby="cart-heading">
			<h2 id="cart-heading">Your order</h2>
			{empty ? (
				<p class="muted">Nothing yet. Choose something from the menu.</p>
			) : (
				<>
					<CartLines cart={cart} />
					<TotalsTable totals={cart.totals} fulfilment="pickup" />
					<Link href={`/locations/${slug}/checkout`} class="button primary block">
						Go to checkout
					</Link>
					<GoesWellWith slug={slug} cart={cart} menu={menu} avoid={avoid} onChoose={onChoose} onAdd={onAdd} />
				</>
			)}
		</aside>
	);
}

/** On a phone the cart sits below the menu; this bar keeps it one tap away. */
function CartBar({ slug }: { slug: string }) {
	const cart = useCart();
	if (!cart || cart.itemCount === 0) return null;
	return (
		<div class="cart-bar">
			<Link href={`/locations/${slug}/checkout`} class="button primary block">
				Checkout · {cart.itemCount} {cart.itemCount === 1 ? "item" : "items"} · {formatMoney(cart.totals.total)}
			</Link>
		</div>
	);
}

function FilterPanel({ filters, onChange }: { filters: Filters; onChange: (filters: Filters) => void }) {
	const active = filters.avoid.length + filters.diets.length;
	return (
		<details class="filters">
			<summary>Allergens and diets{active > 0 && ` (${active} on)`}</summary>
			<CheckboxGroup
				legend="Leave out items containing"
				name="avoid"
				values={EU_ALLERGENS}
				selected={filters.avoid}
				onChange={(avoid) => onChange({ ...filters, avoid })}
				label={tagLabel}
			/>
			<CheckboxGroup
				legend="Only show items that are"
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
	const [menu, setMenu] = useState<Menu | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [filters, setFilters] = useState<Filters>({
		query: "",
		avoid: knownAllergens(profile?.avoidAllergens ?? []),
		diets: knownDietaryTags(profile?.dietaryPreferences ?? []),
	});
	const [chosen, setChosen] = useState<{ item: MenuItem; category: MenuCategory } | null>(null);

	const refreshMenu = () =>
		fetchMenu(slug)
			.then((next) => {
				setMenu(next);
				setError(null);
			})
			.catch((failure) => setError(messageOf(failure)));

	useEffect(() => {
		refreshMenu();
		const timer = setInterval(refreshMenu, MENU_REFRESH_MS);
		const onVisible = () => document.visibilityState === "visible" && refreshMenu();
		document.addEventListener("visibilitychange", onVisible);
		return () => {
			clearInterval(timer);
			document.removeEventListener("visibilitychange", onVisible);
		};
	}, [slug]);

	useEffect(() => {
		loadCart(slug).catch((failure) => setError(messageOf(failure)));
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
				<PageHeading title="Menu">Menu</PageHeading>
				{error ? <ErrorMessage message={error} /> : <Loading what="the menu" />}
			</section>
		);
	}

	const status = openStatus(menu.location, menu.openNow);
	const shown = visible.reduce((sum, { items }) => sum + items.length, 0);
	const total = menu.categories.reduce((sum, category) => sum + category.items.length, 0);

	const add = async (line: NewLine) => {
		try {
			const cart = await addToCart(slug, line);
			const name = chosen?.item.name ?? "item";
			announce(
				`Added ${line.quantity} × ${name}. Your order: ${cart.itemCount} items, ${formatMoney(cart.totals.total)}.`,
			);
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
						<Link href="/">Change location</Link>
					</p>
					{!menu.openNow && <p class="notice">We are closed now. Choose a time when we are open at checkout.</p>}
				</div>
				<search class="menu-tools">
					<div class="field">
						<label for="menu-search">Search the menu</label>
						<input
							id="menu-search"
							type="search"
							placeholder="Flat white, vegan, soup…"
							value={filters.query}
							onInput={(event) => setFilters({ ...filters, query: event.currentTarget.value })}
						/>
					</div>
					<FilterPanel filters={filters} onChange={setFilters} />
					<p class="muted small" role="status">
						{shown === total ? `${total} items` : `Showing ${shown} of ${total} items`}
					</p>
				</search>
				<ErrorMessage message={error} />
				{visible.length > 0 && (
					<nav class="category-nav" aria-label="Categories">
						<ul>
							{visible.map(({ category }) => (
								<li key={category.id}>
									<a href={`#cat-${category.id}`}>{category.name}</a>
								</li>
							))}
						</ul>
					</nav>
				)}
				{visible.length === 0 && <p>No items match. Try fewer filters or another search.</p>}
				{visible.map(({ category, items }) => (
					<section key={category.id} id={`cat-${category.id}`} class="category" aria-labelledby={`h-${category.id}`}>
						<h2 id={`h-${category.id}`}>{category.name}</h2>
						{category.availability.length > 0 && (
							<p class="muted small">Served {formatWindows(category.availability)}</p>
						)}
						<ul class="item-list">
							{items.map((item) => (
								<ItemCard
									key={item.id}
									item={item}
									category={category}
									onChoose={() => setChosen({ item, category })}
								/>
							))}
						</ul>
					</section>
				))}
			</section>
			<CartPanel
				slug={slug}
				menu={menu}
				avoid={filters.avoid}
				onChoose={(item, category) => setChosen({ item, category })}
				onAdd={async (item) => {
					const cart = await addToCart(slug, { itemId: item.id, quantity: 1 });
					announce(`Added 1 × ${item.name}. Your order: ${cart.itemCount} items, ${formatMoney(cart.totals.total)}.`);
				}}
			/>
			<CartBar slug={slug} />
			{chosen && (
				<ItemDialog
					key={chosen.item.id}
					item={chosen.item}
					notice={availabilityNotice(chosen.item, chosen.category.availability)}
					onAdd={add}
					onClose={() => setChosen(null)}
				/>
			)}
		</div>
	);
}
