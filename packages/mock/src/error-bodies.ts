/** OpenAI-style error bodies the mock answers with. */

export type ErrorBody = { error: { message: string; type: string; code: string | null; param?: string | null } };

export const errorBody = (type: string, code: string | null, message: string): ErrorBody => ({
  error: { message, type, code, param: null },
});

export type AuthFailure = "missing" | "unknown" | "expired" | "revoked" | "mismatch";

/** 401 body for a bearer token that does not work (codes as the real backend uses them). */
export function unauthorizedBody(reason: AuthFailure): ErrorBody {
  switch (reason) {
    case "missing":
      return errorBody("invalid_request_error", "missing_authorization", "Missing bearer authentication in header.");
    case "expired":
      return errorBody(
        "invalid_request_error",
        "token_expired",
        "Provided authentication token is expired. Please try signing in again.",
      );
    case "revoked":
      return errorBody(
        "invalid_request_error",
        "token_invalidated",
        "Your authentication token has been invalidated. Please try signing in again.",
      );
    case "mismatch":
      return errorBody(
        "invalid_request_error",
        "account_mismatch",
        "The chatgpt-account-id header does not match the authentication token.",
      );
    case "unknown":
      return errorBody(
        "invalid_request_error",
        "invalid_api_key",
        "Invalid authentication token. Please try signing in again.",
      );
  }
}

export const rateLimitBody = () =>
  errorBody("rate_limit_exceeded", "rate_limit_exceeded", "Rate limit reached. Please try again in 1s.");

export const serverErrorBody = () =>
  errorBody("server_error", "server_error", "An error occurred while processing your request. Please retry.");

export const overloadedBody = () =>
  errorBody(
    "service_unavailable_error",
    "server_is_overloaded",
    "Our servers are currently overloaded. Please try again later.",
  );

export const invalidRequestBody = (code: string, message: string) => errorBody("invalid_request_error", code, message);

export const notFoundBody = (path: string) =>
  errorBody("invalid_request_error", "not_found", `Unknown route ${path} on the mock backend.`);
