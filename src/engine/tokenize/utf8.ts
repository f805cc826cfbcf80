// UTF-8 encoding and decoding for the byte-level BPE tokenizer, written out here so the engine needs no host
// API (TextEncoder is a web/Node global, not part of the language). Follows RFC 3629 and the WHATWG Encoding
// standard's decoder: a lone UTF-16 surrogate encodes as U+FFFD, and every maximal invalid byte subsequence
// decodes to one U+FFFD, so decoding arbitrary sampled bytes never throws.

/** Appends the UTF-8 bytes of `text` to `out` (a plain array, so callers can reuse it). */
export function utf8EncodeInto(text: string, out: number[]): void {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd; // lone surrogate: not representable in UTF-8
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
}

export function utf8Encode(text: string): number[] {
  const out: number[] = [];
  utf8EncodeInto(text, out);
  return out;
}

/** Decodes bytes[0 .. n); invalid sequences become U+FFFD (WHATWG "replacement" error mode). */
export function utf8Decode(bytes: ArrayLike<number>, n = bytes.length): string {
  let s = '';
  const codes: number[] = [];
  let i = 0;
  while (i < n) {
    if (codes.length >= 4096) {
      s += String.fromCodePoint(...codes); // bounded spread: avoids the engine's argument-count limit
      codes.length = 0;
    }
    const b = bytes[i];
    let need = 0;
    let cp = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) {
      codes.push(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0; // reject overlong forms
      if (b === 0xed) hi = 0x9f; // reject encoded surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else {
      codes.push(0xfffd);
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const c = j < n ? bytes[j] : -1;
      if (c < (k === 0 ? lo : 0x80) || c > (k === 0 ? hi : 0xbf)) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (ok) {
      codes.push(cp);
      i = j;
    } else {
      codes.push(0xfffd); // the maximal valid prefix [i, j) becomes one replacement character
      i = j;
    }
  }
  return s + String.fromCodePoint(...codes);
}
