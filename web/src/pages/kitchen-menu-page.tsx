/**
 * The location's menu for staff: every item's sold-out switch, and for
 * managers an editor to add, rename and delete categories (with their
 * availability windows in local time) and to change, add and delete items
 * with their option groups. Reads the origin's menu so each write shows at once.
 */
import { useEffect, useState } from "preact/hooks";
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import {
	createCategory,
	createItem,
	deleteCategory,
	deleteItem,
	setSoldOut,
	updateCategory,
	updateItem,
} from "../api/endpoints";
import { fetchMenuIn, fetchMenuTranslations, imageUrl, type MenuTranslations } from "../api/menu-admin";
import type {
	Allergen,
	AvailabilityWindow,
	CategoryInput,
	DietaryTag,
	ItemInput,
	Location,
	Menu,
	MenuCategory,
	MenuItem,
	ModifierGroup,
	ModifierGroupInput,
} from "../api/types";
import { knownAllergens, knownDietaryTags } from "../api/vocabulary";
import { CheckboxGroup, TextField } from "../components/field";
import {
	AvailabilityEditor,
	type GroupDraft,
	ModifierGroupsEditor,
	nameDrafts,
	nameTranslations,
	type OtherLanguage,
	PhotoField,
	Refusal,
	rowKey,
	type TextDrafts,
	TranslationFields,
	textDrafts,
	textTranslations,
	type WindowDraft,
} from "../components/menu-editor-fields";
import { ErrorMessage } from "../components/page";
import { formatMoney, formatWindows, tagLabel, toMajor, toMinor } from "../format";
import { type Translator, useI18n } from "../i18n";
import { type FormError, formRefusal, kitchenErrorText, NO_ERROR } from "../i18n/kitchen-errors";
import { announce } from "../state/announcer";
import { canEditMenu } from "../state/session";
import "../kitchen-editor.css";
import { KitchenLoading, KitchenShell } from "./kitchen-shell";

/** Checked before sending: what the browser can tell is not a number. */
function localRefusal(fields: Record<string, string>, t: Translator["t"]): FormError {
	return {
		message: t("kitchen.menu.notNumbers"),
		details: Object.entries(fields).map(([field, message]) => ({ field, message })),
		fields,
	};
}

function parseMajor(text: string): number | null {
	const trimmed = text.trim().replace(",", ".");
	if (trimmed === "") return null;
	const major = Number(trimmed);
	return Number.isFinite(major) && major >= 0 ? major : null;
}

function parseCount(text: string): number | null {
	return /^\s*\d{1,2}\s*$/.test(text) ? Number(text) : null;
}

/** What the editors need to edit translations: the other languages and what is stored in them. */
interface LanguageContext {
	languages: OtherLanguage[];
	/** The default language's name, for "empty: customers see the English text". */
	defaultLabel: string;
	translations: MenuTranslations | null;
}

function groupDrafts(groups: ModifierGroup[], context: LanguageContext): GroupDraft[] {
	const of = (id: string) => context.translations?.get(id);
	return groups.map((group) => ({
		key: rowKey(),
		name: group.name,
		min: String(group.minSelections),
		max: String(group.maxSelections),
		translations: nameDrafts(context.languages, of(group.id)),
		options: group.options.map((option) => ({
			key: rowKey(),
			name: option.name,
			delta: String(toMajor(option.priceDelta)),
			allergens: knownAllergens(option.allergens),
			translations: nameDrafts(context.languages, of(option.id)),
		})),
	}));
}

/** The groups as the API takes them, or the fields the browser already knows are wrong. */
function groupInputs(
	groups: GroupDraft[],
	currency: string,
	t: Translator["t"],
): { groups: ModifierGroupInput[]; fields: Record<string, string> } {
	const fields: Record<string, string> = {};
	const inputs = groups.map((group, index) => {
		const min = parseCount(group.min);
		const max = parseCount(group.max);
		if (min === null) fields[`modifierGroups.${index}.minSelections`] = t("kitchen.menu.minInvalid");
		if (max === null) fields[`modifierGroups.${index}.maxSelections`] = t("kitchen.menu.maxInvalid");
		return {
			name: group.name.trim(),
			minSelections: min ?? 0,
			maxSelections: max ?? 1,
			translations: nameTranslations(group.translations),
			options: group.options.map((option, optionIndex) => {
				const delta = option.delta.trim() === "" ? 0 : parseMajor(option.delta);
				if (delta === null) {
					fields[`modifierGroups.${index}.options.${optionIndex}.priceDelta.amount`] = t("kitchen.menu.deltaInvalid");
				}
				return {
					name: option.name.trim(),
					priceDelta: { amount: toMinor(delta ?? 0, currency), currency },
					allergens: option.allergens ?? [],
					translations: nameTranslations(option.translations),
				};
			}),
		};
	});
	return { groups: inputs, fields };
}

/** The groups' text, numbers and translations, to tell whether the editor changed them. */
function groupsShape(inputs: ModifierGroupInput[]): string {
	return JSON.stringify(
		inputs.map((group) => [
			group.name,
			group.minSelections,
			group.maxSelections,
			group.translations,
			group.options.map((option) => [option.name, option.priceDelta?.amount ?? 0, option.translations]),
		]),
	);
}

function SoldOutSwitch({ item, slug, onChanged }: { item: MenuItem; slug: string; onChanged: () => void }) {
	const { t } = useI18n();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const toggle = async () => {
		setBusy(true);
		setError(null);
		try {
			await setSoldOut(slug, item.id, !item.soldOut);
			announce(
				item.soldOut
					? t("kitchen.menu.backOnSale", { name: item.name })
					: t("kitchen.menu.nowSoldOut", { name: item.name }),
			);
			onChanged();
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};
	return (
		<div class="switch-field">
			<button
				type="button"
				role="switch"
				class="switch"
				aria-checked={item.soldOut}
				aria-label={t("kitchen.menu.soldOutSwitch", { name: item.name })}
				disabled={busy}
				onClick={toggle}
			>
				<span class="switch-track" aria-hidden="true" />
				<span class="switch-text">{item.soldOut ? t("kitchen.menu.soldOut") : t("kitchen.menu.onSale")}</span>
			</button>
			<ErrorMessage message={error} />
		</div>
	);
}

interface Draft {
	name: string;
	description: string;
	price: string;
	allergens: Allergen[];
	dietaryTags: DietaryTag[];
	groups: GroupDraft[];
	translations: TextDrafts;
}

function ItemEditor({
	slug,
	category,
	currency,
	item,
	context,
	onDone,
	onPhotoChanged,
}: {
	slug: string;
	category: MenuCategory;
	currency: string;
	item?: MenuItem;
	context: LanguageContext;
	onDone: (changed: boolean) => void;
	onPhotoChanged: () => void;
}) {
	const { t } = useI18n();
	const [initial] = useState<Draft>(() => ({
		name: item?.name ?? "",
		description: item?.description ?? "",
		price: item ? String(toMajor(item.price)) : "",
		allergens: knownAllergens(item?.allergens ?? []),
		dietaryTags: knownDietaryTags(item?.dietaryTags ?? []),
		groups: groupDrafts(item?.modifierGroups ?? [], context),
		translations: textDrafts(context.languages, item && context.translations?.get(item.id)),
	}));
	const [draft, setDraft] = useState<Draft>(initial);
	const [image, setImage] = useState(item?.image ?? null);
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);
	const [confirmDelete, setConfirmDelete] = useState(false);
	const idPrefix = item ? `edit-${item.id}` : `new-${category.id}`;
	const fields = error.fields;

	const save = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		const major = parseMajor(draft.price);
		const groups = groupInputs(draft.groups, currency, t);
		const local = { ...groups.fields };
		if (major === null) local["price.amount"] = t("kitchen.menu.priceInvalid");
		if (Object.keys(local).length > 0) {
			setError(localRefusal(local, t));
			return;
		}
		const input: ItemInput = {
			categoryId: category.id,
			name: draft.name.trim(),
			description: draft.description.trim(),
			price: { amount: toMinor(major ?? 0, currency), currency },
			allergens: draft.allergens,
			dietaryTags: draft.dietaryTags,
		};
		// Translations replace all the stored ones: sent only when edited, so ones the editor could not read stay.
		const translations = textTranslations(draft.translations);
		if (!item || JSON.stringify(translations) !== JSON.stringify(textTranslations(initial.translations))) {
			input.translations = translations;
		}
		// Replacing the groups gives their options new ids, so send them only when they changed.
		const before = groupInputs(initial.groups, currency, t).groups;
		if (!item || groupsShape(groups.groups) !== groupsShape(before)) input.modifierGroups = groups.groups;
		setBusy(true);
		try {
			if (item) await updateItem(slug, item.id, input);
			else await createItem(slug, { ...input, position: category.items.length });
			announce(t("kitchen.menu.saved", { name: input.name }));
			onDone(true);
		} catch (failure) {
			setError(formRefusal(failure));
		} finally {
			setBusy(false);
		}
	};

	const remove = async () => {
		if (!item) return;
		try {
			await deleteItem(slug, item.id);
			announce(t("kitchen.menu.deleted", { name: item.name }));
			onDone(true);
		} catch (failure) {
			setError(formRefusal(failure));
		}
	};

	return (
		<form
			class="item-editor"
			onSubmit={save}
			noValidate
			aria-label={
				item
					? t("kitchen.menu.item.edit", { name: item.name })
					: t("kitchen.menu.item.new", { category: category.name })
			}
		>
			<Refusal message={error.message} details={error.details} />
			<TextField
				id={`${idPrefix}-name`}
				label={t("kitchen.menu.item.name")}
				required
				value={draft.name}
				onValue={(name) => setDraft({ ...draft, name })}
				error={fields.name}
			/>
			<TextField
				id={`${idPrefix}-description`}
				label={t("kitchen.menu.item.description")}
				value={draft.description}
				onValue={(description) => setDraft({ ...draft, description })}
				error={fields.description}
			/>
			<TextField
				id={`${idPrefix}-price`}
				label={t("kitchen.menu.item.price", { currency })}
				inputMode="decimal"
				required
				value={draft.price}
				onValue={(price) => setDraft({ ...draft, price })}
				error={fields["price.amount"] ?? fields.price ?? fields["price.currency"]}
			/>
			<TranslationFields
				idPrefix={`${idPrefix}-translation`}
				languages={context.languages}
				defaultLabel={context.defaultLabel}
				base={{ name: draft.name, description: draft.description }}
				drafts={draft.translations}
				onChange={(translations) => setDraft({ ...draft, translations })}
				errors={fields}
			/>
			{item ? (
				<PhotoField
					idPrefix={idPrefix}
					slug={slug}
					itemId={item.id}
					itemName={item.name}
					image={image}
					onChanged={(changed) => {
						setImage(changed);
						onPhotoChanged();
					}}
				/>
			) : (
				<p class="hint">{t("kitchen.menu.photo.afterSaving")}</p>
			)}
			<details>
				<summary>{t("kitchen.menu.item.tags")}</summary>
				<CheckboxGroup
					legend={t("kitchen.menu.item.contains")}
					name={`${idPrefix}-allergens`}
					values={EU_ALLERGENS}
					selected={draft.allergens}
					onChange={(allergens) => setDraft({ ...draft, allergens })}
					label={tagLabel}
				/>
				<CheckboxGroup
					legend={t("kitchen.menu.item.dietaryTags")}
					name={`${idPrefix}-diets`}
					values={DIETARY_TAGS}
					selected={draft.dietaryTags}
					onChange={(dietaryTags) => setDraft({ ...draft, dietaryTags })}
					label={tagLabel}
				/>
			</details>
			<ModifierGroupsEditor
				idPrefix={idPrefix}
				currency={currency}
				groups={draft.groups}
				onChange={(groups) => setDraft({ ...draft, groups })}
				errors={fields}
				languages={context.languages}
				defaultLabel={context.defaultLabel}
			/>
			{fields.modifierGroups && <p class="field-error">{fields.modifierGroups}</p>}
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{item ? t("kitchen.menu.item.save") : t("kitchen.menu.item.add")}
				</button>
				<button type="button" onClick={() => onDone(false)}>
					{t("kitchen.menu.cancel")}
				</button>
				{item &&
					(confirmDelete ? (
						<button type="button" class="danger" onClick={remove}>
							{t("kitchen.menu.item.deleteForGood", { name: item.name })}
						</button>
					) : (
						<button type="button" class="danger-outline" onClick={() => setConfirmDelete(true)}>
							{t("kitchen.menu.item.delete")}
						</button>
					))}
			</div>
		</form>
	);
}

function windowDrafts(windows: AvailabilityWindow[]): WindowDraft[] {
	return windows.map((window) => ({ key: rowKey(), from: window.from, until: window.until, days: window.days ?? [] }));
}

/** A category's name, description, translations and availability windows; for an existing one, its deletion with its items. */
function CategoryEditor({
	slug,
	timeZone,
	position,
	category,
	context,
	onDone,
}: {
	slug: string;
	timeZone: string;
	position: number;
	category?: MenuCategory;
	context: LanguageContext;
	onDone: (changed: boolean) => void;
}) {
	const { t } = useI18n();
	const [name, setName] = useState(category?.name ?? "");
	const [description, setDescription] = useState(category?.description ?? "");
	const [initialTranslations] = useState<TextDrafts>(() =>
		textDrafts(context.languages, category && context.translations?.get(category.id)),
	);
	const [translations, setTranslations] = useState<TextDrafts>(initialTranslations);
	const [windows, setWindows] = useState<WindowDraft[]>(() => windowDrafts(category?.availability ?? []));
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);
	const [confirmDelete, setConfirmDelete] = useState(false);
	const idPrefix = category ? `category-${category.id}` : "new-category";

	const save = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		const input: CategoryInput = {
			name: name.trim(),
			description: description.trim(),
			availability: windows.map((window) => ({
				from: window.from,
				until: window.until,
				...(window.days.length > 0 ? { days: window.days } : {}),
			})),
		};
		const typed = textTranslations(translations);
		if (!category || JSON.stringify(typed) !== JSON.stringify(textTranslations(initialTranslations))) {
			input.translations = typed;
		}
		setBusy(true);
		try {
			if (category) await updateCategory(slug, category.id, input);
			else await createCategory(slug, { ...input, position });
			announce(t("kitchen.menu.category.saved", { name: input.name }));
			onDone(true);
		} catch (failure) {
			setError(formRefusal(failure));
		} finally {
			setBusy(false);
		}
	};

	const remove = async () => {
		if (!category) return;
		try {
			await deleteCategory(slug, category.id);
			announce(t("kitchen.menu.category.deleted", { name: category.name }));
			onDone(true);
		} catch (failure) {
			setError(formRefusal(failure));
		}
	};

	const items = category?.items.length ?? 0;
	return (
		<form
			class="item-editor category-editor"
			onSubmit={save}
			noValidate
			aria-label={category ? t("kitchen.menu.category.edit", { name: category.name }) : t("kitchen.menu.category.new")}
		>
			<Refusal message={error.message} details={error.details} />
			<TextField
				id={`${idPrefix}-name`}
				label={t("kitchen.menu.category.name")}
				required
				value={name}
				onValue={setName}
				error={error.fields.name}
			/>
			<TextField
				id={`${idPrefix}-description`}
				label={t("kitchen.menu.category.description")}
				value={description}
				onValue={setDescription}
				error={error.fields.description}
			/>
			<TranslationFields
				idPrefix={`${idPrefix}-translation`}
				languages={context.languages}
				defaultLabel={context.defaultLabel}
				base={{ name, description }}
				drafts={translations}
				onChange={setTranslations}
				errors={error.fields}
			/>
			<AvailabilityEditor
				idPrefix={idPrefix}
				timeZone={timeZone}
				windows={windows}
				onChange={setWindows}
				errors={error.fields}
			/>
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{category ? t("kitchen.menu.category.save") : t("kitchen.menu.category.add")}
				</button>
				<button type="button" onClick={() => onDone(false)}>
					{t("kitchen.menu.cancel")}
				</button>
				{category &&
					(confirmDelete ? (
						<button type="button" class="danger" onClick={remove}>
							{t("kitchen.menu.category.deleteForGood", { name: category.name, items })}
						</button>
					) : (
						<button type="button" class="danger-outline" onClick={() => setConfirmDelete(true)}>
							{t("kitchen.menu.category.delete")}
						</button>
					))}
			</div>
		</form>
	);
}

/** The other languages the location's menu is offered in, named in the app's language. */
function languageContext(menu: Menu, translations: MenuTranslations | null, translator: Translator): LanguageContext {
	const { intl } = translator;
	const name = (code: string) => intl.formatDisplayName(code, { type: "language" }) ?? code;
	const { defaultLanguage, languages } = menu.location;
	const others = languages.filter((code) => code !== defaultLanguage).map((code) => ({ code, label: name(code) }));
	return { languages: others, defaultLabel: name(defaultLanguage), translations };
}

function MenuManager({ location, editable }: { location: Location; editable: boolean }) {
	const translator = useI18n();
	const { t } = translator;
	const [menu, setMenu] = useState<Menu | null>(null);
	const [translations, setTranslations] = useState<MenuTranslations | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [editing, setEditing] = useState<string | null>(null);

	// In the default language, whatever this browser prefers: the names edited here are the default's.
	// An editor opened meanwhile would start from the texts before the write: editing waits for the reload.
	const [reloading, setReloading] = useState(true);
	const reload = async () => {
		setReloading(true);
		try {
			const fresh = await fetchMenuIn(location.slug, location.defaultLanguage);
			const stored = editable ? await fetchMenuTranslations(location.slug) : null;
			setMenu(fresh);
			setTranslations(stored);
			setError(null);
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setReloading(false);
		}
	};

	useEffect(() => {
		void reload();
	}, [location.slug]);

	if (!menu) return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("kitchen.menu.loading")} />;
	// The editors read the stored translations once, when they open.
	if (editable && !translations) return <KitchenLoading message={t("kitchen.menu.loadingTranslations")} />;

	const context = languageContext(menu, translations, translator);
	const done = (changed: boolean) => {
		setEditing(null);
		if (changed) reload();
	};

	return (
		<div class="menu-manager">
			<ErrorMessage message={error} />
			{context.languages.length > 0 && editable && (
				<p class="muted small">
					{t("kitchen.menu.offeredIn", {
						languages: [context.defaultLabel, ...context.languages.map((language) => language.label)].join(", "),
						language: context.defaultLabel,
					})}
				</p>
			)}
			{menu.categories.map((category) => (
				<section key={category.id} aria-labelledby={`manage-${category.id}`} class="card">
					<h2 id={`manage-${category.id}`}>{category.name}</h2>
					{category.availability.length > 0 && (
						<p class="muted small">
							{t("kitchen.menu.available", {
								windows: formatWindows(category.availability),
								timeZone: location.timeZone,
							})}
						</p>
					)}
					{editable &&
						(editing === `category:${category.id}` ? (
							<CategoryEditor
								slug={location.slug}
								timeZone={location.timeZone}
								position={0}
								category={category}
								context={context}
								onDone={done}
							/>
						) : (
							<button type="button" disabled={reloading} onClick={() => setEditing(`category:${category.id}`)}>
								{t("kitchen.menu.category.editButton")} <span class="visually-hidden">{category.name}</span>
							</button>
						))}
					<ul class="manage-list">
						{category.items.map((item) => (
							<li key={item.id} class="manage-row">
								<div class="manage-item">
									{item.image ? (
										<img
											class="manage-thumb"
											src={imageUrl(item.image.id, 160)}
											width={48}
											height={Math.round((48 * item.image.height) / Math.max(1, item.image.width))}
											alt=""
											loading="lazy"
										/>
									) : (
										editable && <span class="manage-thumb manage-thumb-none" aria-hidden="true" />
									)}
									<span class="item-name">{item.name}</span>
									<span class="muted small">{formatMoney(item.price)}</span>
								</div>
								<SoldOutSwitch item={item} slug={location.slug} onChanged={reload} />
								{editable && editing !== item.id && (
									<button type="button" disabled={reloading} onClick={() => setEditing(item.id)}>
										{t("kitchen.menu.item.editButton")} <span class="visually-hidden">{item.name}</span>
									</button>
								)}
								{editing === item.id && (
									<ItemEditor
										slug={location.slug}
										category={category}
										currency={location.currency}
										item={item}
										context={context}
										onDone={done}
										onPhotoChanged={reload}
									/>
								)}
							</li>
						))}
					</ul>
					{editable &&
						(editing === `new:${category.id}` ? (
							<ItemEditor
								slug={location.slug}
								category={category}
								currency={location.currency}
								context={context}
								onDone={done}
								onPhotoChanged={reload}
							/>
						) : (
							<button type="button" disabled={reloading} onClick={() => setEditing(`new:${category.id}`)}>
								{t("kitchen.menu.item.newButton", { category: category.name })}
							</button>
						))}
				</section>
			))}
			{editable &&
				(editing === "category:new" ? (
					<section aria-label={t("kitchen.menu.category.new")} class="card">
						<CategoryEditor
							slug={location.slug}
							timeZone={location.timeZone}
							position={menu.categories.length}
							context={context}
							onDone={done}
						/>
					</section>
				) : (
					<button type="button" disabled={reloading} onClick={() => setEditing("category:new")}>
						{t("kitchen.menu.category.new")}
					</button>
				))}
		</div>
	);
}

export function KitchenMenuPage() {
	const { t } = useI18n();
	return (
		<KitchenShell title={t("kitchen.menu.title")} current="menu">
			{({ location, profile }) => (
				<MenuManager key={location.slug} location={location} editable={canEditMenu(profile.role)} />
			)}
		</KitchenShell>
	);
}
