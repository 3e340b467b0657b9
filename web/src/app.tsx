/** The pages by path. Customers' storefront and staff's kitchen share one app and one sign-in. */
import type { JSX } from "preact";
import { Layout } from "./components/layout";
import { PageHeading } from "./components/page";
import { useI18n } from "./i18n";
import { AcceptInvitationPage } from "./pages/accept-invitation-page";
import { AccountPage } from "./pages/account-page";
import { AuditPage } from "./pages/back-office/audit-page";
import { DeadLettersPage } from "./pages/back-office/dead-letters-page";
import { LocationAdminPage } from "./pages/back-office/location-page";
import { LocationsAdminPage } from "./pages/back-office/locations-page";
import { NumbersPage } from "./pages/back-office/numbers-page";
import { StaffPage } from "./pages/back-office/staff-page";
import { WebhooksPage } from "./pages/back-office/webhooks-page";
import { CheckoutPage } from "./pages/checkout-page";
import { ForgotPasswordPage } from "./pages/forgot-password-page";
import { KitchenBoardPage } from "./pages/kitchen-board-page";
import { KitchenMenuPage } from "./pages/kitchen-menu-page";
import { KitchenPrepListPage } from "./pages/kitchen-prep-list-page";
import { KitchenRefundsPage } from "./pages/kitchen-refunds-page";
import { KitchenStockPage } from "./pages/kitchen-stock-page";
import { LocationsPage } from "./pages/locations-page";
import { MenuPage } from "./pages/menu-page";
import { OrderPage } from "./pages/order-page";
import { PaymentSimulatorPage } from "./pages/payment-simulator-page";
import { RegisterPage } from "./pages/register-page";
import { ResetPasswordPage } from "./pages/reset-password-page";
import { SignInPage } from "./pages/sign-in-page";
import { VerifyEmailPage } from "./pages/verify-email-page";
import { Link, match, useRoute } from "./router";

type Params = Record<string, string>;

const ROUTES: [string, (params: Params) => JSX.Element][] = [
	["/", () => <LocationsPage />],
	["/locations/:slug", ({ slug }) => <MenuPage key={slug} slug={slug} />],
	["/locations/:slug/checkout", ({ slug }) => <CheckoutPage key={slug} slug={slug} />],
	["/orders/:orderId", ({ orderId }) => <OrderPage key={orderId} orderId={orderId} />],
	["/pay/simulator/:intentId", ({ intentId }) => <PaymentSimulatorPage key={intentId} intentId={intentId} />],
	["/sign-in", () => <SignInPage />],
	["/register", () => <RegisterPage />],
	["/forgot-password", () => <ForgotPasswordPage />],
	["/reset-password", () => <ResetPasswordPage />],
	["/verify-email", () => <VerifyEmailPage />],
	["/invitation", () => <AcceptInvitationPage />],
	["/account", () => <AccountPage />],
	["/kitchen", () => <KitchenBoardPage />],
	["/kitchen/menu", () => <KitchenMenuPage />],
	["/kitchen/refunds", () => <KitchenRefundsPage />],
	["/kitchen/stock", () => <KitchenStockPage />],
	["/kitchen/prep", () => <KitchenPrepListPage />],
	["/admin", () => <StaffPage />],
	["/admin/staff", () => <StaffPage />],
	["/admin/locations", () => <LocationsAdminPage />],
	["/admin/locations/:slug", ({ slug }) => <LocationAdminPage key={slug} slug={slug} />],
	["/admin/webhooks", () => <WebhooksPage />],
	["/admin/dead-letters", () => <DeadLettersPage />],
	["/admin/numbers", () => <NumbersPage />],
	["/admin/audit", () => <AuditPage />],
];

function NotFound() {
	const { t, rich } = useI18n();
	return (
		<section class="narrow">
			<PageHeading title={t("notFound.title")}>{t("notFound.title")}</PageHeading>
			<p>{rich("notFound.body", { link: (chunks) => <Link href="/">{chunks}</Link> })}</p>
		</section>
	);
}

function Page() {
	const { pathname } = useRoute();
	for (const [pattern, page] of ROUTES) {
		const params = pattern === "/" ? (pathname === "/" ? {} : null) : match(pattern, pathname);
		if (params) return page(params);
	}
	return <NotFound />;
}

export function App() {
	// Every page renders again in the new language when it changes (their state stays).
	useI18n();
	return (
		<Layout>
			<Page />
		</Layout>
	);
}
