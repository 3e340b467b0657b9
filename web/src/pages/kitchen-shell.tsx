/** What the kitchen's pages share: staff only, the location they work at, and tabs between board, menu and (for managers) refunds. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { listLocations } from "../api/endpoints";
import type { Location, Profile } from "../api/types";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { kitchenErrorText } from "../i18n/kitchen-errors";
import { Link, navigate, useRoute } from "../router";
import { canRefund, isStaff, useSession } from "../state/session";

export interface KitchenContext {
	location: Location;
	profile: Profile;
}

export type KitchenTab = "board" | "menu" | "stock" | "prep" | "refunds";

/** A loading notice whose whole sentence is in the message file ("Loading the menu…"), so it reads in every language. */
export function KitchenLoading({ message }: { message: string }) {
	return (
		<p class="loading" role="status">
			{message}
		</p>
	);
}

function Tabs({ slug, current, profile }: { slug: string; current: KitchenTab; profile: Profile }) {
	const { t } = useI18n();
	return (
		<nav aria-label={t("kitchen.tabs.label")} class="tabs">
			<Link href={`/kitchen?location=${slug}`} aria-current={current === "board" ? "page" : undefined}>
				{t("kitchen.tabs.orders")}
			</Link>
			<Link href={`/kitchen/menu?location=${slug}`} aria-current={current === "menu" ? "page" : undefined}>
				{t("kitchen.tabs.menu")}
			</Link>
			<Link href={`/kitchen/stock?location=${slug}`} aria-current={current === "stock" ? "page" : undefined}>
				{t("kitchen.tabs.stock")}
			</Link>
			<Link href={`/kitchen/prep?location=${slug}`} aria-current={current === "prep" ? "page" : undefined}>
				{t("kitchen.tabs.prep")}
			</Link>
			{canRefund(profile.role) && (
				<Link href={`/kitchen/refunds?location=${slug}`} aria-current={current === "refunds" ? "page" : undefined}>
					{t("kitchen.tabs.refunds")}
				</Link>
			)}
		</nav>
	);
}

export function KitchenShell({
	title,
	current,
	children,
}: {
	title: string;
	current: KitchenTab;
	children: (context: KitchenContext) => ComponentChildren;
}) {
	const { t, rich } = useI18n();
	const { profile } = useSession();
	const { pathname, query } = useRoute();
	const [locations, setLocations] = useState<Location[] | null>(null);
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		listLocations()
			.then(({ locations }) => setLocations(locations))
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, []);

	if (!profile || !isStaff(profile.role)) {
		return (
			<section class="narrow">
				<PageHeading title={title}>{title}</PageHeading>
				<p>
					{rich("kitchen.staffOnly", {
						signIn: (chunks) => <Link href={`/sign-in?next=${pathname}`}>{chunks}</Link>,
					})}
				</p>
			</section>
		);
	}
	if (!locations) {
		return (
			<section>
				<PageHeading title={title}>{title}</PageHeading>
				{error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("kitchen.loadingLocations")} />}
			</section>
		);
	}

	const mine =
		profile.role === "admin" ? locations : locations.filter((location) => profile.locations.includes(location.slug));
	const location = mine.find((candidate) => candidate.slug === query.get("location")) ?? mine[0];
	if (!location) {
		return (
			<section class="narrow">
				<PageHeading title={title}>{title}</PageHeading>
				<p>{t("kitchen.noLocation")}</p>
			</section>
		);
	}

	return (
		<section class="kitchen">
			<div class="kitchen-header">
				<PageHeading title={`${title} · ${location.name}`}>
					{title} <span class="muted">· {location.name}</span>
				</PageHeading>
				{mine.length > 1 && (
					<div class="field inline-field">
						<label for="kitchen-location">{t("kitchen.location")}</label>
						<select
							id="kitchen-location"
							value={location.slug}
							onChange={(event) => navigate(`${pathname}?location=${event.currentTarget.value}`)}
						>
							{mine.map((candidate) => (
								<option key={candidate.slug} value={candidate.slug}>
									{candidate.name}
								</option>
							))}
						</select>
					</div>
				)}
				<Tabs slug={location.slug} current={current} profile={profile} />
			</div>
			{children({ location, profile })}
		</section>
	);
}
