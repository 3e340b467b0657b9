/** Sign in, for customers and staff alike; staff go on to their kitchen board. */
import { useState } from "preact/hooks";

import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { errorText, fieldErrors } from "../i18n/errors";
import { Link, navigate, useRoute } from "../router";
import { isStaff, signIn } from "../state/session";

export function SignInPage() {
	const { query } = useRoute();
	const { t, rich } = useI18n();
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		setFields({});
		try {
			const profile = await signIn(email.trim(), password);
			const next = query.get("next");
			navigate(next?.startsWith("/") ? next : isStaff(profile.role) ? "/kitchen" : "/account");
		} catch (failure) {
			setError(errorText(failure));
			setFields(fieldErrors(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<section class="narrow">
			<PageHeading title={t("signIn.title")}>{t("signIn.title")}</PageHeading>
			<form onSubmit={submit} noValidate>
				<ErrorMessage message={error} takeFocus />
				<TextField
					id="email"
					label={t("field.email")}
					type="email"
					autoComplete="username"
					required
					value={email}
					onValue={setEmail}
					error={fields.email}
				/>
				<TextField
					id="password"
					label={t("field.password")}
					type="password"
					autoComplete="current-password"
					required
					value={password}
					onValue={setPassword}
					error={fields.password}
				/>
				<p>
					<Link href={email.trim() ? `/forgot-password?email=${encodeURIComponent(email.trim())}` : "/forgot-password"}>
						{t("signIn.forgot")}
					</Link>
				</p>
				<button type="submit" class="primary" disabled={busy}>
					{busy ? t("signIn.busy") : t("signIn.submit")}
				</button>
			</form>
			<p>{rich("signIn.register", { link: (chunks) => <Link href="/register">{chunks}</Link> })}</p>
		</section>
	);
}
