/** A misuse of the mock's API (unknown account, bad option): the message says what to fix. */
export class MockError extends Error {
  override readonly name = "MockError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
