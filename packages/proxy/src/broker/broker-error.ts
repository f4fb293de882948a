import { ProdexError } from "@prodex/core";

/** The shared proxy could not be started or reached: one line, where to look, how to go on without it. */
export class BrokerError extends ProdexError {
  override name = "BrokerError";
}
