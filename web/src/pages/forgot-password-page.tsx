/**
 * Asks for a link to set a new password. The answer is the same whether or
 * not an account uses the address, so the page never tells who has an account.
 */
import { useState } from "preact/hooks";
import { requestPasswordReset } from "../api/back-office";
import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { errorText, fieldErrors } from "../i18n/errors";
import { Link, useRoute } from "../router";

export function ForgotPasswordPage() {
	const { t } = useI18n();
	const { query } = useRoute();
	const [email, setEmail] = useState(query.get("email") ?? "");
	const [sentTo, setSentTo] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		setFields({});
		try {
			await requestPasswordReset(email.trim());
			setSentTo(email.trim());
		} catch (failure) {
			setError(errorText(failure));
			setFields(fieldErrors(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<section class="narrow">
			<PageHeading title={t("recovery.forgot.title")}>{t("recovery.forgot.title")}</PageHeading>
			{sentTo ? (
				<div role="status">
					<p>{t("recovery.forgot.sent", { email: sentTo })}</p>
					<p>
						<Link href="/sign-in">{t("recovery.backToSignIn")}</Link>
					</p>
				</div>
			) : (
				<form onSubmit={submit} noValidate>
					<p>{t("recovery.forgot.intro")}</p>
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
					<button type="submit" class="primary" disabled={busy}>
						{busy ? t("recovery.forgot.busy") : t("recovery.forgot.submit")}
					</button>
					<p>
						<Link href="/sign-in">{t("recovery.backToSignIn")}</Link>
					</p>
				</form>
			)}
		</section>
	);
}
