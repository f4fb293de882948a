import { LocalStateError, ProdexError, UsageError } from "@prodex/core";
import { GatewayDbError } from "@prodex/store/pg";

/** The gateway's database or secret key is not in a state it can use: exit 4, one line + a hint. */
export class GatewayError extends LocalStateError {
  override name = "GatewayError";
}

/** A database failure as the CLI shows it (one line, no password, the hint kept); anything else unchanged. */
export function asProdexError(error: unknown): unknown {
  if (error instanceof ProdexError) return error;
  if (error instanceof GatewayDbError) return new GatewayError(error.message, error.hint, { cause: error });
  return error;
}

export { UsageError };
