/** Placeholder until the operations screens land (issue 19, in progress this session). */
import { useI18n } from "../../i18n";
import { BackOfficeShell } from "./shell";

export function WebhooksPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.tabs.webhooks")} current="webhooks">
			{() => null}
		</BackOfficeShell>
	);
}
