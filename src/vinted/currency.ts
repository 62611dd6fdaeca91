import { VbulkError } from "../core/errors.js";

/**
 * The currency each Vinted site takes a price in, only where a public source shows a listing write on that site
 * with its currency. Vinted documents none of this; a site missing here is not guessed (a price sent in the wrong
 * currency would go public wrong), it needs VBULK_VINTED_CURRENCY.
 */
const SITE_CURRENCY: Readonly<Record<string, string>> = Object.freeze({
  // idx:66830953937 (a vinted.fr client): VINTED_BASE = "https://www.vinted.fr" … "currency": "EUR";
  // idx:55451424183 (a vinted.fr publisher, locale fr-FR): currency: 'EUR'.
  "www.vinted.fr": "EUR",
  // idx:69052908732 (captured on vinted.pt, 2026-09-16): the form's create body carries "currency": "EUR".
  "www.vinted.pt": "EUR",
  // idx:51777029943 (a relister whose default domain is 'www.vinted.co.uk'): draft { …, currency: 'GBP', … }.
  "www.vinted.co.uk": "GBP",
});

/**
 * The currency to send prices in for `siteUrl`: VBULK_VINTED_CURRENCY when set (three capital letters), else the
 * site's own from the table above. Throws BAD_USAGE (nothing sent) when the variable is malformed or when the site is
 * not one whose currency a source records: sending "EUR" to vinted.co.uk was the bug this replaced.
 */
export function siteCurrency(siteUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.VBULK_VINTED_CURRENCY;
  if (raw !== undefined && raw !== "") {
    if (!/^[A-Z]{3}$/.test(raw))
      throw new VbulkError(
        "BAD_USAGE",
        `Expected a three-letter currency code (e.g. EUR, GBP) for VBULK_VINTED_CURRENCY but received ${JSON.stringify(raw)}: nothing was sent`,
        { hint: "Set it to the currency your Vinted site shows prices in, e.g. VBULK_VINTED_CURRENCY=EUR." },
      );
    return raw;
  }
  const host = new URL(siteUrl).host;
  const known = SITE_CURRENCY[host];
  if (known) return known;
  throw new VbulkError(
    "BAD_USAGE",
    `Expected a Vinted site whose currency vbulk knows (${Object.entries(SITE_CURRENCY)
      .map(([h, c]) => `${h} ${c}`)
      .join(", ")}) but received ${siteUrl}: nothing was sent`,
    {
      hint: `Set VBULK_VINTED_CURRENCY to the currency ${host} shows prices in (e.g. VBULK_VINTED_CURRENCY=EUR), then run again: plan.json's prices are sent as they are, in that currency.`,
    },
  );
}
