/**
 * What the back office's pages share: managers and admins only, and tabs
 * between its screens. Admins see every screen; a manager sees those about
 * their own locations (their kitchen staff, their locations, webhooks and figures).
 */
import type { ComponentChildren } from "preact";
import type { Profile } from "../../api/types";
import { PageHeading } from "../../components/page";
import { type MessageId, useI18n } from "../../i18n";
import { Link, useRoute } from "../../router";
import { useSession } from "../../state/session";

export type BackOfficeTab = "staff" | "locations" | "webhooks" | "dead-letters" | "numbers" | "audit";

const TABS: { tab: BackOfficeTab; label: MessageId; adminOnly: boolean }[] = [
	{ tab: "staff", label: "backOffice.tabs.staff", adminOnly: false },
	{ tab: "locations", label: "backOffice.tabs.locations", adminOnly: false },
	{ tab: "webhooks", label: "backOffice.tabs.webhooks", adminOnly: false },
	{ tab: "numbers", label: "backOffice.tabs.numbers", adminOnly: false },
	{ tab: "dead-letters", label: "backOffice.tabs.deadLetters", adminOnly: true },
	{ tab: "audit", label: "backOffice.tabs.audit", adminOnly: true },
];

/** Whether the role may open the back office at all: managers and admins. */
export function mayUseBackOffice(role: Profile["role"] | undefined): boolean {
	return role === "manager" || role === "admin";
}

function Tabs({ current, profile }: { current: BackOfficeTab; profile: Profile }) {
	const { t } = useI18n();
	return (
		<nav aria-label={t("backOffice.tabs.label")} class="tabs">
			{TABS.filter(({ adminOnly }) => !adminOnly || profile.role === "admin").map(({ tab, label }) => (
				<Link key={tab} href={`/admin/${tab}`} aria-current={current === tab ? "page" : undefined}>
					{t(label)}
				</Link>
			))}
		</nav>
	);
}

export function BackOfficeShell({
	title,
	current,
	children,
}: {
	title: string;
	current: BackOfficeTab;
	children: (profile: Profile) => ComponentChildren;
}) {
	const { rich } = useI18n();
	const { profile } = useSession();
	const { pathname } = useRoute();
	if (!profile || !mayUseBackOffice(profile.role)) {
		return (
			<section class="narrow">
				<PageHeading title={title}>{title}</PageHeading>
				<p>
					{rich("backOffice.managersOnly", {
						signIn: (chunks) => <Link href={`/sign-in?next=${pathname}`}>{chunks}</Link>,
					})}
				</p>
			</section>
		);
	}
	return (
		<section class="back-office">
			<div class="kitchen-header">
				<PageHeading title={title}>{title}</PageHeading>
				<Tabs current={current} profile={profile} />
			</div>
			{children(profile)}
		</section>
	);
}
