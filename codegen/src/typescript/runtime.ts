// The runtime of the generated validators: result types, deep equality, string length in code
// points, JSON-pointer escaping, the `format` checkers, and the Standard Schema adapter. No
// dependency. Module-level values are marked `@__PURE__` so that bundlers drop the unused ones.
//
// The format checkers follow the Rust `jsonschema` crate the server validates with, so both sides
// agree: dates and times by RFC 3339 (leap seconds only at 23:59:60 UTC), `ipv4`/`ipv6` as Rust's
// `Ipv4Addr`/`Ipv6Addr` parse them (no leading zeros in IPv4), hyphenated UUIDs, RFC 3986 URIs,
// and emails as `email_address` 0.2.9 reads them (ASCII local part, hostname or IP-literal domain).

/** One broken rule: where (a JSON pointer into the value), which keyword, and what is wrong. */
export interface ValidationError {
  path: string;
  keyword: string;
  message: string;
  /** For `required`: the missing property (`path` is the object's). */
  property?: string;
}

/** The outcome of a `validateX` function. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

/** `Object.prototype.hasOwnProperty`, safe for keys such as `__proto__` or `hasOwnProperty`. */
export const has: (o: object, key: string) => boolean = /* @__PURE__ */ Function.prototype.call.bind(Object.prototype.hasOwnProperty) as (
  o: object,
  key: string,
) => boolean;

/** Whether a value is a JSON object (not null, not an array). */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** JSON equality: same type, numbers by value, objects regardless of key order. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!has(b, k) || !equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Whether the items of an array are pairwise different (JSON equality). */
export function unique(items: readonly unknown[]): boolean {
  const n = items.length;
  if (n < 2) return true;
  let primitive = true;
  for (const item of items) {
    if (typeof item === "object" && item !== null) {
      primitive = false;
      break;
    }
  }
  if (primitive) {
    // Pairwise `===` beats building a `Set` for the short arrays schemas usually bound.
    if (n > 16) return new Set(items).size === n;
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) if (items[i] === items[j]) return false;
    return true;
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) if (equal(items[i], items[j])) return false;
  return true;
}

/** Length in Unicode code points, as JSON Schema counts it. */
export function length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Puts the errors recorded from index `from` on under `segment` (a JSON-pointer segment with its
 * `/`): a validator records errors at the value it checks, and its caller nests them under the
 * property or item it was called on, so that paths are built only for errors.
 */
export function nest(errors: ValidationError[], from: number, segment: string): void {
  for (let i = from; i < errors.length; i++) {
    const error = errors[i] as ValidationError;
    error.path = segment + error.path;
  }
}

/** Whether `s` has a code unit in `from`..=`to`: the pattern `[A-Z]` (`from` 65, `to` 90) as a scan. */
export function hasCharIn(s: string, from: number, to: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= from && c <= to) return true;
  }
  return false;
}

/** Escapes one JSON-pointer segment. */
export function esc(key: string | number): string {
  const s = String(key);
  return s.indexOf("~") < 0 && s.indexOf("/") < 0 ? s : s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A finite number as `digits × 10^exponent`, from its shortest decimal form. */
function decimal(n: number): [bigint, number] {
  const [mantissa, power] = String(Math.abs(n)).split("e") as [string, string | undefined];
  const [whole, fraction = ""] = mantissa.split(".") as [string, string | undefined];
  const digits = BigInt(whole + fraction) * (n < 0 ? -1n : 1n);
  return [digits, Number(power ?? 0) - fraction.length];
}

/** `value` is an exact multiple of `divisor` in decimal, as the Rust crate decides (0.0075 of 0.0001 is; 0.30000000001 of 0.01 is not). */
export function multipleOf(value: number, divisor: number): boolean {
  if (Number.isInteger(value) && Number.isInteger(divisor) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return value % divisor === 0;
  const [v, ve] = decimal(value);
  const [d, de] = decimal(divisor);
  const e = Math.min(ve, de);
  const scaledValue = v * 10n ** BigInt(ve - e);
  const scaledDivisor = d * 10n ** BigInt(de - e);
  return scaledDivisor !== 0n && scaledValue % scaledDivisor === 0n;
}

function digits(s: string, start: number, count: number): number {
  let v = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** RFC 3339 `full-date`. */
export function isDate(s: string): boolean {
  if (s.length !== 10 || s[4] !== "-" || s[7] !== "-") return false;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= max;
}

/** RFC 3339 `full-time`, a leap second only when it falls at 23:59:60 UTC. */
export function isTime(s: string): boolean {
  const len = s.length;
  if (len < 9 || s[2] !== ":" || s[5] !== ":") return false;
  const h = digits(s, 0, 2);
  const mi = digits(s, 3, 2);
  const se = digits(s, 6, 2);
  if (h < 0 || mi < 0 || se < 0 || h > 23 || mi > 59 || se > 60) return false;
  let i = 8;
  if (i < len && s[i] === ".") {
    i++;
    let fraction = false;
    while (i < len && digits(s, i, 1) >= 0) {
      fraction = true;
      i++;
    }
    if (!fraction) return false;
  }
  if (i === len) return false;
  const sign = s[i];
  if (sign === "Z" || sign === "z") return i === len - 1 && (se !== 60 || (h === 23 && mi === 59));
  if (sign !== "+" && sign !== "-") return false;
  if (len - i !== 6) return false;
  i++;
  if (s[i + 2] !== ":") return false;
  const oh = digits(s, i, 2);
  const om = digits(s, i + 3, 2);
  if (oh < 0 || om < 0 || oh > 23 || om > 59) return false;
  if (se !== 60) return true;
  let uh = sign === "+" ? h - oh : h + oh;
  let um = sign === "+" ? mi - om : mi + om;
  uh += Math.trunc(um / 60);
  um %= 60;
  if (um < 0) {
    um += 60;
    uh -= 1;
  }
  uh = (uh + 24) % 24;
  return uh === 23 && um === 59;
}

/** RFC 3339 `date-time`. */
export function isDateTime(s: string): boolean {
  let t = s.indexOf("T");
  const lower = s.indexOf("t");
  if (t < 0 || (lower >= 0 && lower < t)) t = lower;
  return t >= 0 && isDate(s.slice(0, t)) && isTime(s.slice(t + 1));
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** A hyphenated UUID. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

const IPV4 = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
/** Dotted-quad IPv4, no leading zeros. */
export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
/** IPv6 text form with `::` compression and an optional trailing dotted quad. */
export function isIpv6(s: string): boolean {
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string, last: boolean): number => {
    if (part === "") return 0;
    const items = part.split(":");
    let count = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (last && i === items.length - 1 && item.indexOf(".") >= 0) {
        if (!isIpv4(item)) return -1;
        count += 2;
      } else if (HEX_GROUP.test(item)) {
        count += 1;
      } else {
        return -1;
      }
    }
    return count;
  };
  if (halves.length === 1) return groups(s, true) === 8;
  const head = groups(halves[0] as string, false);
  const tail = groups(halves[1] as string, true);
  return head >= 0 && tail >= 0 && head + tail <= 7;
}

const HOSTNAME_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function punycodeDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48 + 26;
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 97;
  return -1;
}

function punycodeAdapt(delta: number, count: number, first: boolean): number {
  delta = first ? Math.floor(delta / 700) : Math.floor(delta / 2);
  delta += Math.floor(delta / count);
  let k = 0;
  while (delta > 455) {
    delta = Math.floor(delta / 35);
    k += 36;
  }
  return k + Math.floor((36 * delta) / (delta + 38));
}

/** Decodes the payload of an A-label (RFC 3492), with the Rust crate's overflow checks; `null` if invalid. */
function decodePunycode(input: string): string | null {
  const MAX = 0xffffffff;
  const last = input.lastIndexOf("-");
  const basic = last > 0 ? input.slice(0, last) : "";
  const encoded = last > 0 ? input.slice(last + 1) : input;
  const output: number[] = [];
  for (let j = 0; j < basic.length; j++) output.push(basic.charCodeAt(j));
  let codePoint = 128;
  let index = 0;
  let bias = 72;
  let position = 0;
  while (position < encoded.length) {
    const previous = index;
    let weight = 1;
    for (let k = 36; ; k += 36) {
      if (position >= encoded.length) return null;
      const digit = punycodeDigit(encoded.charCodeAt(position++));
      if (digit < 0 || digit * weight > MAX) return null;
      index += digit * weight;
      if (index > MAX) return null;
      const threshold = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
      if (digit < threshold) break;
      weight *= 36 - threshold;
      if (weight > MAX) return null;
    }
    const count = output.length + 1;
    bias = punycodeAdapt(index - previous, count, previous === 0);
    codePoint += Math.floor(index / count);
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return null;
    index %= count;
    output.splice(index, 0, codePoint);
    index++;
  }
  return String.fromCodePoint(...output);
}

const VIRAMAS = /* @__PURE__ */ new Set([
  0x094d, 0x09cd, 0x0a4d, 0x0acd, 0x0b4d, 0x0bcd, 0x0c4d, 0x0ccd, 0x0d4d, 0x0dca, 0x0e3a, 0x0f84, 0x1039, 0x1714, 0x1734,
  0x17d2, 0x1a60, 0x1b44, 0x1baa, 0x1bf2, 0x1bf3, 0x2d7f, 0xa806, 0xa8c4, 0xa953, 0xabed, 0x10a3f, 0x11046, 0x1107f,
  0x110b9, 0x11133, 0x111c0, 0x11235, 0x112ea, 0x1134d, 0x11442, 0x114c2, 0x115bf, 0x1163f, 0x116b6, 0x1172b, 0x11839,
  0x119e0, 0x11a34, 0x11a47, 0x11a99, 0x11c3f, 0x11d44, 0x11d45, 0x11d97,
]);
const DISALLOWED = /* @__PURE__ */ new Set([0x0640, 0x07fa, 0x302e, 0x302f, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303b]);
const PVALID_EXCEPTIONS = /* @__PURE__ */ new Set([0x200c, 0x200d, 0x00b7, 0x0375, 0x05f3, 0x05f4, 0x06fd, 0x06fe, 0x0f0b, 0x3007]);
const PVALID = /^[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Mn}\p{Mc}\p{Nd}]$/u;
const LEADING_MARK = /^[\p{Mn}\p{Mc}\p{Me}]/u;

/** A decoded label under RFC 5892 (categories and contextual rules), as the Rust crate checks it. */
function isValidUnicodeLabel(label: string): boolean {
  if (LEADING_MARK.test(label)) return false;
  const points = Array.from(label, (ch) => ch.codePointAt(0) as number);
  let katakanaDot = false;
  let hiraganaKatakanaHan = false;
  let arabicDigits = false;
  let extendedArabicDigits = false;
  for (let i = 0; i < points.length; i++) {
    const c = points[i] as number;
    const previous = points[i - 1];
    const next = points[i + 1];
    if (c === 0x200d && !(previous !== undefined && VIRAMAS.has(previous))) return false;
    if (c === 0x00b7 && (previous !== 0x6c || next !== 0x6c)) return false;
    if (c === 0x0375 && !(next !== undefined && next >= 0x0370 && next <= 0x03ff)) return false;
    if ((c === 0x05f3 || c === 0x05f4) && !(previous !== undefined && previous >= 0x0590 && previous <= 0x05ff)) return false;
    if (c === 0x30fb) katakanaDot = true;
    else if ((c >= 0x3040 && c <= 0x309f) || (c >= 0x30a0 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff)) hiraganaKatakanaHan = true;
    else if (c >= 0x0660 && c <= 0x0669) arabicDigits = true;
    else if (c >= 0x06f0 && c <= 0x06f9) extendedArabicDigits = true;
    else if (DISALLOWED.has(c)) return false;
    else if (PVALID_EXCEPTIONS.has(c)) continue;
    else if (c > 0x7f && !PVALID.test(String.fromCodePoint(c))) return false;
  }
  return !((katakanaDot && !hiraganaKatakanaHan) || (arabicDigits && extendedArabicDigits));
}

/** An ASCII hostname (RFC 1123 labels), at most 253 characters; `xn--` labels must decode to valid IDNA labels. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253 || s.endsWith(".")) return false;
  for (const label of s.split(".")) {
    if (!HOSTNAME_LABEL.test(label)) return false;
    if (label.length >= 4 && label[2] === "-" && label[3] === "-") {
      if (!label.startsWith("xn--")) return false;
      const decoded = decodePunycode(label.slice(4));
      if (decoded === null || !isValidUnicodeLabel(decoded)) return false;
    }
  }
  return true;
}

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uFFFF]+$/u;
/** Length of `s` in UTF-8 bytes. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function isDotAtom(s: string): boolean {
  return s.split(".").every((atom) => ATEXT.test(atom));
}
function isQuotedContent(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) {
      const next = s.charCodeAt(++i);
      if (!(next >= 0x21 && next <= 0x7e)) return false;
    } else if (!(c === 0x20 || c === 0x09 || c === 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80)) {
      return false;
    }
  }
  return true;
}

// The common case: an ASCII dot-atom local part (at most 64 characters) and a hostname without
// `--` (at most 253), decided by one scan and no allocation. Anything else takes the exact path
// below; both give the same verdict.
const ATEXT_ASCII = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~") ATEXT_ASCII[c.charCodeAt(0)] = 1;

function isSimpleEmail(s: string): boolean {
  const n = s.length;
  let i = 0;
  let afterDot = true;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 64) break;
    if (c === 46) {
      if (afterDot) return false;
      afterDot = true;
    } else if (c < 128 && ATEXT_ASCII[c] === 1 && !(c === 45 && s.charCodeAt(i - 1) === 45)) {
      afterDot = false;
    } else {
      return false;
    }
  }
  if (i === n || afterDot || i > 64 || n - i - 1 > 253) return false;
  // The domain: labels of 1 to 63 letters, digits and inner hyphens, no `--` (left to the full check).
  let label = ++i;
  let previous = 46;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (i === label || i - label > 63 || previous === 45) return false;
      label = i + 1;
    } else if (c === 45) {
      if (previous === 45 || i === label) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) {
      return false;
    }
    previous = c;
  }
  return i !== label && i - label <= 63 && previous !== 45;
}

/** An email address (RFC 5322 addr-spec, optionally `Name <addr>`), with an ASCII local part. */
export function isEmail(s: string): boolean {
  // Every form below needs an `@`: the usual invalid value is decided without the regex.
  if (s.indexOf("@") < 0) return false;
  if (isSimpleEmail(s)) return true;
  let address = s;
  const display = s.lastIndexOf(" <");
  if (display >= 0) {
    const right = s.slice(display + 2).trim();
    if (!right.endsWith(">")) return false;
    address = right.slice(0, -1);
  } else if (address.startsWith("<")) {
    return false;
  }
  const at = address.lastIndexOf("@");
  if (at < 0) return false;
  let local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local === '""') local = '"a"';
  if (local.length === 0 || utf8Length(local) > 64) return false;
  if (local.length >= 2 && local.startsWith('"') && local.endsWith('"')) {
    if (!isQuotedContent(local.slice(1, -1))) return false;
  } else if (!isDotAtom(local)) {
    return false;
  }
  for (let i = 0; i < local.length; i++) if (local.charCodeAt(i) > 0x7f) return false;
  if (domain.length === 0 || utf8Length(domain) > 254) return false;
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const literal = domain.slice(1, -1);
    if (!/^[\x21-\x5a\x5e-\x7e\u0080-\uffff]*$/u.test(literal)) return false;
    return literal.slice(0, 5).toLowerCase() === "ipv6:" ? isIpv6(literal.slice(5)) : isIpv4(literal);
  }
  for (const sub of domain.split(".")) {
    if (sub.length === 0 || !ATEXT.test(sub) || sub.length > 63) return false;
  }
  return isHostname(domain);
}

// RFC 3986, section 3 and appendix A.
const PCT = "%[0-9A-Fa-f]{2}";
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4_TEXT = `${DEC_OCTET}(?:\\.${DEC_OCTET}){3}`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const IP_LITERAL = `\\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+)\\]`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const AUTHORITY = `(?:${USERINFO}@)?(?:${IP_LITERAL}|${IPV4_TEXT}|${REG_NAME})(?::[0-9]*)?`;
const PATH_ABEMPTY = `(?:/${PCHAR}*)*`;
const PATH_ABSOLUTE = `/(?:${PCHAR}+(?:/${PCHAR}*)*)?`;
const PATH_ROOTLESS = `${PCHAR}+(?:/${PCHAR}*)*`;
const QUERY = `(?:${PCHAR}|[/?])*`;
const URI = /* @__PURE__ */ new RegExp(
  `^[A-Za-z][A-Za-z0-9+\\-.]*:(?://(${AUTHORITY})${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)(?:\\?${QUERY})?(?:#${QUERY})?$`,
);
/** Whether the IPv6 literal of a matched authority (if any) is a valid address. */
function authorityOk(match: RegExpExecArray | null): boolean {
  if (!match) return false;
  const authority = match[1];
  if (authority === undefined) return true;
  const literal = /\[([0-9A-Fa-f:.]+)\]/.exec(authority);
  return !literal || isIpv6(literal[1] as string);
}

/** An absolute URI (RFC 3986), IPv6 literals checked. */
export function isUri(s: string): boolean {
  return authorityOk(URI.exec(s));
}

const SEGMENT_NZ_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})+`;
const RELATIVE_REF = /* @__PURE__ */ new RegExp(
  `^(?://(${AUTHORITY})${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${SEGMENT_NZ_NC}(?:/${PCHAR}*)*|)(?:\\?${QUERY})?(?:#${QUERY})?$`,
);
/** A URI reference (RFC 3986): an absolute URI or a relative reference. */
export function isUriReference(s: string): boolean {
  return isUri(s) || authorityOk(RELATIVE_REF.exec(s));
}

/** An ISO 8601 duration as RFC 3339 appendix A writes it (`P1Y2M`, `PT1H30M`, `P2W`), as the Rust crate checks it. */
export function isDuration(s: string): boolean {
  const len = s.length;
  if (len < 2 || s[0] !== "P") return false;
  let i = 1;
  let component = false;
  let time = false;
  let weeks = false;
  let timeComponent = false;
  let lastDate = 0;
  let lastTime = 0;
  let seen = 0;
  while (i < len) {
    if (s[i] === "T") {
      // A week duration stands alone: it never takes a time part.
      if (time || weeks) return false;
      time = true;
      i++;
      continue;
    }
    const start = i;
    while (i < len && digits(s, i, 1) >= 0) i++;
    if (i === start || i === len) return false;
    const unit = s[i] as string;
    if (!time) {
      const index = "YMWD".indexOf(unit);
      if (index < 0) return false;
      if (unit === "W") {
        if (component) return false;
        weeks = true;
      } else if (weeks) {
        return false;
      }
      if (index < lastDate || (seen & (1 << index)) !== 0) return false;
      seen |= 1 << index;
      lastDate = index;
    } else {
      const index = "HMS".indexOf(unit);
      if (index < 0 || index < lastTime || (seen & (1 << (index + 4))) !== 0) return false;
      seen |= 1 << (index + 4);
      lastTime = index;
      timeComponent = true;
    }
    component = true;
    i++;
  }
  if (!component || (time && !timeComponent)) return false;
  // Years and days need the months between them; hours and seconds the minutes.
  if ((seen & 0b1001) === 0b1001 && (seen & 0b10) === 0) return false;
  return !((seen & 0b1010000) === 0b1010000 && (seen & 0b100000) === 0);
}

/** The reference tokens of a JSON pointer from `start`: `~` only as `~0` or `~1`. */
function isPointerTail(s: string, start: number): boolean {
  let escaped = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (escaped) {
      if (c !== "0" && c !== "1") return false;
      escaped = false;
    } else if (c === "~") {
      escaped = true;
    }
  }
  return !escaped;
}

/** A JSON pointer (RFC 6901): empty, or `/`-separated reference tokens. */
export function isJsonPointer(s: string): boolean {
  return s.length === 0 || (s[0] === "/" && isPointerTail(s, 1));
}

/** A relative JSON pointer: a non-negative integer without leading zeros, then `#` or a JSON pointer. */
export function isRelativeJsonPointer(s: string): boolean {
  let i = 0;
  while (i < s.length && digits(s, i, 1) >= 0) i++;
  if (i === 0 || (s[0] === "0" && i > 1)) return false;
  if (i === s.length) return true;
  if (s[i] === "#") return i === s.length - 1;
  return s[i] === "/" && isPointerTail(s, i + 1);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** `varchar`: ALPHA / DIGIT / `_` / pct-encoded; the index after the run, or -1 if invalid or empty. */
function templateVarchars(s: string, i: number): number {
  const start = i;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) {
      i++;
    } else if (c === 37) {
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return -1;
      i += 3;
    } else {
      break;
    }
  }
  return i > start ? i : -1;
}

/** `varspec`: a varname (varchars joined by dots), then `:1`..`:9999` or `*`; the index after it, or -1. */
function templateVarspec(s: string, i: number): number {
  i = templateVarchars(s, i);
  if (i < 0) return -1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      i = templateVarchars(s, i + 1);
      if (i < 0) return -1;
    } else if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 37) {
      i = templateVarchars(s, i);
      if (i < 0) return -1;
    } else {
      break;
    }
  }
  if (i < s.length && s[i] === ":") {
    i++;
    if (i >= s.length || !(s[i] as string >= "1" && (s[i] as string) <= "9")) return -1;
    i++;
    for (let count = 1; count < 4 && i < s.length && digits(s, i, 1) >= 0; count++) i++;
  } else if (i < s.length && s[i] === "*") {
    i++;
  }
  return i;
}

const TEMPLATE_OPERATORS = "+#./;?&=,!@|";
// Literals exclude controls, space and `"<>%\^`{|}` (RFC 6570 with errata 6937, which admits `'`).
const TEMPLATE_NON_LITERAL = "\"<>%\\^`{|}";

/** A URI template (RFC 6570, level 4), as the Rust crate parses it. */
export function isUriTemplate(s: string): boolean {
  const len = s.length;
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c === 123) {
      i++;
      if (i >= len) return false;
      if (TEMPLATE_OPERATORS.indexOf(s[i] as string) >= 0) {
        i++;
        if (i >= len) return false;
      }
      i = templateVarspec(s, i);
      if (i < 0) return false;
      while (i < len && s[i] === ",") {
        i = templateVarspec(s, i + 1);
        if (i < 0) return false;
      }
      if (i >= len || s[i] !== "}") return false;
      i++;
    } else if (c === 37) {
      if (i + 2 >= len || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return false;
      i += 3;
    } else if (c <= 0x20 || c === 0x7f || TEMPLATE_NON_LITERAL.indexOf(s[i] as string) >= 0) {
      return false;
    } else {
      i++;
    }
  }
  return true;
}

const ALPHANUMERIC = /^[\p{Alphabetic}\p{N}]/u;
const REGEX_SYNTAX = "^$\\.*+?()[]{}|/";
const PROPERTY = /^\{[A-Za-z0-9_]+(?:=[A-Za-z0-9_]+)?\}/;
const MODIFIERS = /^\(\?([ims-]+):/;

/**
 * An ECMA-262 regular expression as the Rust crate reads one: the `u`-flag grammar, widened with
 * the identity escapes of patterns without the flag (a backslash before any character that is not
 * alphanumeric), and `\p{...}` checked for its shape only. The pattern is rewritten to that
 * grammar (such escapes as `\u{...}`, properties as `\p{L}`) and handed to `RegExp`.
 */
export function isRegex(s: string): boolean {
  let out = "";
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "(" && !inClass && s[i + 1] === "?") {
      // ES2025 modifiers, which node 20 lacks: `(?ims-ims:` becomes `(?:` once checked (at
      // least one flag, none twice, at most one dash).
      const modifiers = MODIFIERS.exec(s.slice(i));
      if (modifiers) {
        const flags = (modifiers[1] as string).replace(/-/g, "");
        if (flags.length === 0 || new Set(flags).size !== flags.length || (modifiers[1] as string).length - flags.length > 1) return false;
        out += "(?:";
        i += modifiers[0].length - 1;
        continue;
      }
    }
    if (c !== "\\") {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      out += c;
      continue;
    }
    const next = s.codePointAt(i + 1);
    if (next === undefined) return false;
    const char = String.fromCodePoint(next);
    if (char === "p" || char === "P") {
      const property = PROPERTY.exec(s.slice(i + 2));
      if (!property) return false;
      out += `\\${char}{L}`;
      i += 1 + property[0].length;
    } else if (REGEX_SYNTAX.indexOf(char) < 0 && !ALPHANUMERIC.test(char)) {
      out += `\\u{${next.toString(16)}}`;
      i += char.length;
    } else {
      out += `\\${char}`;
      i += char.length;
    }
  }
  try {
    new RegExp(out, "u");
    return true;
  } catch {
    return false;
  }
}

// IRIs (RFC 3987) as `fluent-uri` 0.4 parses them, which the Rust crate calls for `iri` and
// `iri-reference`: RFC 3986's grammar with `ucschar` allowed where it allows unreserved
// characters, and `iprivate` in the query. One bit per ASCII table of that parser.
const I_SCHEME = 1;
const I_USERINFO = 2;
const I_REG_NAME = 4;
const I_PATH = 8;
const I_SEGMENT_NZ_NC = 16;
const I_QUERY = 32;
const I_IPV_FUTURE = 64;
const I_HEXDIG = 128;
const IRI_ASCII = new Uint8Array(128);
{
  const mark = (chars: string, bits: number) => {
    for (let i = 0; i < chars.length; i++) {
      const code = chars.charCodeAt(i);
      IRI_ASCII[code] = (IRI_ASCII[code] as number) | bits;
    }
  };
  const unreserved = I_USERINFO | I_REG_NAME | I_PATH | I_SEGMENT_NZ_NC | I_QUERY | I_IPV_FUTURE;
  mark("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", unreserved);
  mark("!$&'()*+,;=", unreserved);
  mark("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-.", I_SCHEME);
  mark("0123456789ABCDEFabcdef", I_HEXDIG);
  mark(":", I_USERINFO | I_PATH | I_QUERY | I_IPV_FUTURE);
  mark("@", I_PATH | I_SEGMENT_NZ_NC | I_QUERY);
  mark("/", I_PATH | I_QUERY);
  mark("?", I_QUERY);
}
const I_PCT = I_USERINFO | I_REG_NAME | I_PATH | I_SEGMENT_NZ_NC | I_QUERY;

function isUcschar(x: number): boolean {
  return (
    (x >= 0xa0 && x <= 0xd7ff) ||
    (x >= 0xf900 && x <= 0xfdcf) ||
    (x >= 0xfdf0 && x <= 0xffef) ||
    (x >= 0x10000 && x <= 0xdffff && (x & 0xffff) <= 0xfffd) ||
    (x >= 0xe1000 && x <= 0xefffd)
  );
}

function isIprivate(x: number): boolean {
  return (x >= 0xe000 && x <= 0xf8ff) || (x >= 0xf0000 && (x & 0xffff) <= 0xfffd);
}

/** The parser of `fluent-uri` in IRI mode; `parse` is false on the first error. */
class IriParser {
  pos = 0;
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  /** Reads the characters of a table; false on a broken percent-encoding. */
  read(bits: number, iprivate = false): boolean {
    const s = this.s;
    let i = this.pos;
    const pct = (bits & I_PCT) !== 0;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (pct && c === 37) {
        if (i + 2 >= s.length) return false;
        if (!(IRI_ASCII[s.charCodeAt(i + 1)]! & I_HEXDIG) || !(IRI_ASCII[s.charCodeAt(i + 2)]! & I_HEXDIG)) return false;
        i += 3;
      } else if (c < 128) {
        if (!((IRI_ASCII[c] as number) & bits)) break;
        i++;
      } else if (pct) {
        const x = s.codePointAt(i) as number;
        if (!(isUcschar(x) || (iprivate && isIprivate(x)))) break;
        i += x > 0xffff ? 2 : 1;
      } else {
        break;
      }
    }
    this.pos = i;
    return true;
  }

  /** Reads a table's characters; whether any was read (`null` on a broken percent-encoding). */
  readSome(bits: number): boolean | null {
    const start = this.pos;
    return this.read(bits) ? this.pos > start : null;
  }

  eat(text: string): boolean {
    if (!this.s.startsWith(text, this.pos)) return false;
    this.pos += text.length;
    return true;
  }

  digitAt(i: number): number {
    const c = this.s.charCodeAt(this.pos + i) - 48;
    return c >= 0 && c <= 9 ? c : -1;
  }

  hexAt(i: number): boolean {
    const c = this.s.charCodeAt(this.pos + i);
    return c < 128 && (IRI_ASCII[c]! & I_HEXDIG) !== 0;
  }

  readV4Octet(): boolean {
    let value = this.digitAt(0);
    if (value < 0) return false;
    if (value === 0) {
      this.pos++;
      return true;
    }
    for (let i = 1; i < 3; i++) {
      const d = this.digitAt(i);
      if (d < 0) {
        this.pos += i;
        return true;
      }
      value = value * 10 + d;
    }
    this.pos += 3;
    return value <= 255;
  }

  readV4(): boolean {
    if (!this.readV4Octet()) return false;
    for (let i = 0; i < 3; i++) if (!this.eat(".") || !this.readV4Octet()) return false;
    return true;
  }

  /** One IPv6 segment: [colon?, kind] with kind 0 normal, 1 `::`, 2 maybe IPv4, 3 a lone colon; null for none. */
  readV6Segment(): [boolean, number] | null {
    const colon = this.eat(":");
    if (this.pos >= this.s.length) return colon ? [colon, 3] : null;
    if (!this.hexAt(0)) {
      if (!colon) return null;
      if (this.s[this.pos] === ":") {
        this.pos++;
        return [colon, 1];
      }
      return [colon, 3];
    }
    let i = 1;
    while (i < 4) {
      if (this.pos + i >= this.s.length) {
        this.pos += i;
        return null;
      }
      if (this.hexAt(i)) {
        i++;
        continue;
      }
      if (this.s[this.pos + i] === ".") return [colon, 2];
      break;
    }
    this.pos += i;
    return [colon, 0];
  }

  readV6(): boolean {
    let ellipsis = 8;
    let i = 0;
    while (i < 8) {
      const segment = this.readV6Segment();
      if (segment === null) break;
      const [colon, kind] = segment;
      if (kind === 0) {
        if (colon === (i === 0 || i === ellipsis)) return false;
        i++;
      } else if (kind === 1) {
        if (ellipsis !== 8) return false;
        ellipsis = i;
      } else if (kind === 2) {
        if (i > 6 || colon === (i === ellipsis)) return false;
        if (!this.readV4()) return false;
        i += 2;
        break;
      } else {
        return false;
      }
    }
    return ellipsis === 8 ? i === 8 : i !== 8;
  }

  readPort(): void {
    if (this.eat(":")) while (this.digitAt(0) >= 0) this.pos++;
  }

  /** An IP literal: true, false when there is none, null when it is broken. */
  readIpLiteral(): boolean | null {
    if (!this.eat("[")) return false;
    const start = this.pos;
    if (!this.readV6()) {
      if (this.pos !== start) return null;
      const c = this.s[this.pos];
      if (c !== "v" && c !== "V") return null;
      this.pos++;
      if (this.readSome(I_HEXDIG) !== true || !this.eat(".") || this.readSome(I_IPV_FUTURE) !== true) return null;
    }
    return this.eat("]") ? true : null;
  }

  readHost(): boolean {
    const literal = this.readIpLiteral();
    if (literal !== false) return literal === true;
    this.readV4();
    return this.read(I_REG_NAME);
  }

  parse(schemeRequired: boolean): boolean {
    const s = this.s;
    if (!this.read(I_SCHEME)) return false;
    if (s[this.pos] === ":") {
      const first = s.charCodeAt(0);
      if (!(this.pos > 0 && ((first >= 65 && first <= 90) || (first >= 97 && first <= 122)))) return false;
      this.pos++;
      return this.eat("//") ? this.fromAuthority() : this.fromPath(0);
    }
    if (schemeRequired) return false;
    if (this.pos === 0 && this.eat("//")) return this.fromAuthority();
    return this.fromPath(2);
  }

  fromAuthority(): boolean {
    const s = this.s;
    const start = this.pos;
    let colons = 0;
    let colonAt = 0;
    const before = this.pos;
    if (!this.read(I_USERINFO)) return false;
    for (let i = before; i < this.pos; i++) {
      if (s[i] === ":") {
        colons++;
        colonAt = i;
      }
    }
    if (s[this.pos] === "@") {
      this.pos++;
      if (!this.readHost()) return false;
      this.readPort();
    } else if (this.pos === start) {
      const literal = this.readIpLiteral();
      if (literal === null) return false;
      if (literal) this.readPort();
    } else if (colons === 1) {
      for (let i = colonAt + 1; i < this.pos; i++) if (digits(s, i, 1) < 0) return false;
    } else if (colons > 1) {
      return false;
    }
    return this.fromPath(1);
  }

  /** The path (0 after a scheme, 1 after an authority, 2 in a relative reference), query and fragment. */
  fromPath(kind: number): boolean {
    const start = this.pos;
    if (kind === 1) {
      const some = this.readSome(I_PATH);
      if (some === null || (some && this.s[start] !== "/")) return false;
    } else if (kind === 2) {
      if (!this.read(I_SEGMENT_NZ_NC) || this.s[this.pos] === ":" || !this.read(I_PATH)) return false;
    } else if (!this.read(I_PATH)) {
      return false;
    }
    if (this.eat("?") && !this.read(I_QUERY, true)) return false;
    if (this.eat("#") && !this.read(I_QUERY)) return false;
    return this.pos === this.s.length;
  }
}

/** An IRI (RFC 3987), as `fluent-uri` parses one for the Rust crate. */
export function isIri(s: string): boolean {
  return new IriParser(s).parse(true);
}

/** An IRI reference (RFC 3987): an IRI or a relative reference. */
export function isIriReference(s: string): boolean {
  return new IriParser(s).parse(false);
}

/** The format checkers validators may call, by format name. */
export const formats: Record<string, (s: string) => boolean> = {
  "date-time": isDateTime,
  date: isDate,
  time: isTime,
  email: isEmail,
  uuid: isUuid,
  uri: isUri,
  "uri-reference": isUriReference,
  ipv4: isIpv4,
  ipv6: isIpv6,
  hostname: isHostname,
  duration: isDuration,
  "json-pointer": isJsonPointer,
  "relative-json-pointer": isRelativeJsonPointer,
  "uri-template": isUriTemplate,
  regex: isRegex,
  iri: isIri,
  "iri-reference": isIriReference,
};

/**
 * The Standard Schema interface, version 1 (https://standardschema.dev), inlined so that the
 * package has no dependency: form libraries and other consumers accept any value of this shape.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

// The specification's companion types, as it publishes them (types only: nothing at run time).
export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties interface. */
  interface Props<Input = unknown, Output = Input> {
    /** The version number of the standard. */
    readonly version: 1;
    /** The vendor name of the schema library. */
    readonly vendor: string;
    /** Validates unknown input values. */
    readonly validate: (value: unknown, options?: Options | undefined) => Result<Output> | Promise<Result<Output>>;
    /** Inferred types associated with the schema. */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** The result interface of the validate function. */
  type Result<Output> = SuccessResult<Output> | FailureResult;
  /** The result interface if validation succeeds. */
  interface SuccessResult<Output> {
    /** The typed output value. */
    readonly value: Output;
    /** A falsy value for `issues` indicates success. */
    readonly issues?: undefined;
  }
  /** Options of the validate function. */
  interface Options {
    /** Explicit support for additional vendor-specific parameters, if needed. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  /** The result interface if validation fails. */
  interface FailureResult {
    /** The issues of failed validation. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** The issue interface of the failure output. */
  interface Issue {
    /** The error message of the issue. */
    readonly message: string;
    /** The path of the issue, if any. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** The path segment interface of the issue. */
  interface PathSegment {
    /** The key representing a path segment. */
    readonly key: PropertyKey;
  }
  /** The Standard Schema types interface. */
  interface Types<Input = unknown, Output = Input> {
    /** The input type of the schema. */
    readonly input: Input;
    /** The output type of the schema. */
    readonly output: Output;
  }
  /** Infers the input type of a Standard Schema. */
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];
  /** Infers the output type of a Standard Schema. */
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/**
 * The path of an error as the keys of `value` it goes through: the JSON pointer's segments,
 * unescaped, a number where the value there is an array; a missing property (`required`) last.
 */
function issuePath(value: unknown, error: ValidationError): PropertyKey[] {
  const keys: PropertyKey[] = [];
  let here: unknown = value;
  if (error.path !== "") {
    for (const segment of error.path.slice(1).split("/")) {
      const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
      if (Array.isArray(here)) {
        keys.push(Number(key));
        here = here[Number(key)];
      } else {
        keys.push(key);
        here = isObject(here) && has(here, key) ? here[key] : undefined;
      }
    }
  }
  if (error.property !== undefined) keys.push(error.property);
  return keys;
}

/**
 * A generated validator as a Standard Schema (v1) of vendor `vendor`: `validate` answers
 * `{ value }`, or `{ issues }` with each error's message and path (an array of keys).
 */
export function standardSchema<T>(vendor: string, validate: (value: unknown) => ValidationResult<T>): StandardSchemaV1<T> {
  return {
    "~standard": {
      version: 1,
      vendor,
      validate(value: unknown): StandardSchemaV1.Result<T> {
        const result = validate(value);
        if (result.ok) return { value: result.value };
        return { issues: result.errors.map((error) => ({ message: error.message, path: issuePath(value, error) })) };
      },
    },
  };
}
