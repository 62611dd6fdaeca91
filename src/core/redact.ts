/**
 * Removes secrets from any text before it reaches a terminal, a log or a JSON output: cookie and token values,
 * Authorization / CSRF headers, URL passwords, and the session key. Used at every output boundary.
 */
const PATTERNS: [RegExp, string][] = [
  // The password of a URL's user:password@ part (a model mirror behind basic auth).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s"']*):(?!\*\*\*@)[^/?#@\s"']+@/gi, "$1:***@"],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/-]+=*/g, "$1[redacted]"],
  [
    /((?:access_token_web|refresh_token_web|datadome|_vinted_[a-z_]*session|anon_id|v_udt|cf_clearance|__cf_bm)=)[^;\s"']+/gi,
    "$1[redacted]",
  ],
  [
    /("?(?:cookie|set-cookie|authorization|x-csrf-token|csrf[_-]token|access_token|refresh_token|vbulk_secret_key)"?\s*[:=]\s*"?)([^"\s,;}]+)/gi,
    "$1[redacted]",
  ],
];

const extra = new Set<string>();

/** Registers a secret value (e.g. the session key) so that redact() removes it wherever it appears. */
export function registerSecret(value: string): void {
  if (value.length >= 6) extra.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of extra) out = out.split(s).join("[redacted]");
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}
