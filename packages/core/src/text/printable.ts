// Text from outside (upstream error messages, bundle files, runtime logs) shown on a terminal:
// characters that would steer the terminal or the reader are shown as `\u{…}`, never sent.

/** C0 and C1 controls, DEL, and the bidi overrides and isolates that reorder what is shown. */
const STEERING = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;
const HAS_STEERING = new RegExp(STEERING.source, "u");

/** `text` with steering characters shown as escapes; everything else as it is (and cheap when there are none: the dashboard calls it per cell run). */
export function printable(text: string): string {
  return HAS_STEERING.test(text) ? text.replace(STEERING, codePointEscape) : text;
}

/** Stricter, for names that must read as what they are: anything outside printable ASCII is shown as an escape. */
export function printableAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, codePointEscape);
}

function codePointEscape(c: string): string {
  return `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
}
