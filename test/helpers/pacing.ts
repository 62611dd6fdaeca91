import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Writes the pacing.json a captcha (or, `kind` "rate_limit", Vinted's 429) leaves in a Vinted config folder
 * (src/vinted/pacing.ts): every write paused for an hour, one refusal today. Returns the pause's end (ISO).
 */
export async function writePausedPacing(
  configDir: string,
  kind: "challenge" | "rate_limit" = "challenge",
): Promise<string> {
  const until = new Date(Date.now() + 3_600_000).toISOString();
  const reason = kind === "challenge" ? "captcha (DataDome)" : "429 Too Many Requests";
  await writeFile(
    join(configDir, "pacing.json"),
    JSON.stringify({
      schemaVersion: 1,
      writes: [],
      publishes: [],
      pause: { until, reason, kind },
      refusals: { date: until.slice(0, 10), count: 1 },
    }),
  );
  return until;
}
