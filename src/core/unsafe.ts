/**
 * The characters vbulk never prints raw nor sends in a listing: control characters (terminal escapes, newlines that
 * would forge a log line), bidi marks and overrides that reorder what is shown, line and paragraph separators.
 * One list for the CLI (text.ts) and the review page (bundled into the browser): this module imports nothing.
 */
export const UNSAFE_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
