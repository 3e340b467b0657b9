import { describe, expect, it } from "vitest";
import { sessionsEndedBy } from "./sessions";

describe("which sessions an account change ends", () => {
	it("a sign-out ends its own; a password change the others; the rest every one", () => {
		expect(sessionsEndedBy("sign_out")).toBe("this");
		expect(sessionsEndedBy("password_change")).toBe("others");
		expect(sessionsEndedBy("password_reset")).toBe("all");
		expect(sessionsEndedBy("account_deletion")).toBe("all");
		expect(sessionsEndedBy("staff_removal")).toBe("all");
		expect(sessionsEndedBy("staff_role_change")).toBe("all");
	});
});
