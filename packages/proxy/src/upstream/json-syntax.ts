// Whether a text is JSON, without building it. The proxy forwards Codex's requests as bytes, so
// parsing one only to validate it is waste — and not small: JSON.parse of a 44 KB Codex request
// takes 0.2–0.4 ms inside the proxy (its caches go cold between requests) against about 60 µs
// for this single pass. The test checks it against JSON.parse on thousands of mutated texts.

/** Whether `text` is exactly one JSON value (RFC 8259), surrounding whitespace allowed. */
export function isJson(text: string): boolean {
  const n = text.length;
  let i = skipWs(text, 0);
  // Open containers: 1 = object, 2 = array.
  const stack: number[] = [];
  for (;;) {
    // Expect a value at i.
    if (i >= n) return false;
    let c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      i = skipWs(text, i + 1);
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(i) === close) {
        i++;
      } else {
        stack.push(c === 0x7b ? 1 : 2);
        if (c === 0x7b) {
          i = objectKey(text, i);
          if (i < 0) return false;
        }
        continue;
      }
    } else if (c === 0x22 /* " */) {
      i = stringEnd(text, i);
      if (i < 0) return false;
    } else if (c === 0x74 /* t */) {
      if (!text.startsWith("true", i)) return false;
      i += 4;
    } else if (c === 0x66 /* f */) {
      if (!text.startsWith("false", i)) return false;
      i += 5;
    } else if (c === 0x6e /* n */) {
      if (!text.startsWith("null", i)) return false;
      i += 4;
    } else {
      i = numberEnd(text, i);
      if (i < 0) return false;
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      i = skipWs(text, i);
      const top = stack.length ? stack[stack.length - 1] : 0;
      if (top === 0) return i === n;
      c = text.charCodeAt(i);
      if (c === 0x2c /* , */) {
        i = skipWs(text, i + 1);
        if (top === 1) {
          i = objectKey(text, i);
          if (i < 0) return false;
        }
        break;
      }
      if ((top === 1 && c === 0x7d) || (top === 2 && c === 0x5d)) {
        stack.pop();
        i++;
        continue;
      }
      return false;
    }
  }
}

function skipWs(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** `"key" :` then whitespace; returns the index of the value, or -1. */
function objectKey(t: string, i: number): number {
  if (t.charCodeAt(i) !== 0x22) return -1;
  i = stringEnd(t, i);
  if (i < 0) return -1;
  i = skipWs(t, i);
  if (t.charCodeAt(i) !== 0x3a) return -1;
  return skipWs(t, i + 1);
}

/** `i` at the opening quote; returns the index after the closing one, or -1. */
function stringEnd(t: string, i: number): number {
  const n = t.length;
  i++;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = t.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        for (let k = 2; k < 6; k++) if (!isHex(t.charCodeAt(i + k))) return -1;
        i += 6;
        continue;
      }
      if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74)
        return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? ; returns the index after it, or -1. */
function numberEnd(t: string, i: number): number {
  if (t.charCodeAt(i) === 0x2d) i++;
  const first = t.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) while (isDigit(t.charCodeAt(i))) i++;
  else return -1;
  if (t.charCodeAt(i) === 0x2e) {
    i++;
    if (!isDigit(t.charCodeAt(i))) return -1;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  const e = t.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const s = t.charCodeAt(i);
    if (s === 0x2b || s === 0x2d) i++;
    if (!isDigit(t.charCodeAt(i))) return -1;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  return i;
}
