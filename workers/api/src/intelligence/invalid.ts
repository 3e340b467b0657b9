import { ApiError } from "@goodfood/platform/errors";

/** A validation refusal naming the one field at fault. */
export function invalid(field: string, message: string): ApiError {
	return new ApiError("validation_failed", `Invalid ${field}: ${message}`, [{ field, message }]);
}
