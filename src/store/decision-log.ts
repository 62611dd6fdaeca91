import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic.js";
import { printable as p } from "../core/text.js";
import { renamedBecause } from "../sources/zip.js";
import type { Catalog } from "./catalog.js";

export const DECISION_LOG_FILE = "catalog.log";

/**
 * Writes the sober record of what ingest decided, beside catalog.json: which files make each article and why,
 * which photos were dropped as duplicates and why, what was skipped or failed. One line per decision.
 */
export async function writeDecisionLog(dir: string, catalog: Catalog): Promise<string> {
  const lines: string[] = [];
  const g = catalog.grouping;
  lines.push(`# vbulk ingest ${catalog.created_at} (${catalog.generator})`);
  // Every name is escaped: a newline in a file name must not forge a line of this log.
  lines.push(`source ${catalog.source.kind} ${p(catalog.source.path)}`);
  lines.push(
    `embedder ${catalog.embedder.id}${catalog.embedder.model ? ` model ${catalog.embedder.model}` : ""}`,
  );
  lines.push(
    `grouping ${g.method} order=${g.order} order_signal=${g.order_signal ?? "n/a"} eps=${g.eps} min_samples=${g.min_samples}${g.cut !== undefined ? ` cut=${g.cut ?? "none"}` : ""}${g.used_times !== undefined ? ` capture_times=${g.used_times ? "used" : "unused"}` : ""}`,
  );
  if (g.because) lines.push(`grouping because: ${g.because}`);
  for (const c of g.cuts ?? [])
    lines.push(
      // A shoot's start is no distance to a cut (src/grouping/cluster.ts groupShoots: distance 0, no gap).
      `cut before ${c.before}: ${c.because}${c.distance === 0 && c.gap_seconds === null ? "" : ` (distance ${c.distance}x cut${c.gap_seconds !== null ? `, gap ${c.gap_seconds} s = ${c.gap_ratio}x usual` : ""})`}`,
    );
  for (const it of catalog.items) {
    const runner = it.runner_up ? ` runner-up ${it.runner_up.category} ${it.runner_up.score}` : "";
    lines.push(
      `article ${it.id} category=${it.category} score=${it.score}${runner} color=${it.color} (${it.color_score})${it.color_model ? ` model_color=${it.color_model.name} (${it.color_model.score})` : ""} confidence=${it.confidence}${it.confidence_score !== undefined ? ` (${it.confidence_score})` : ""} cohesion=${it.cohesion} photos=${it.photos.map(p).join(", ")}`,
    );
  }
  for (const ph of catalog.photos)
    if (ph.duplicate_of)
      lines.push(`duplicate ${p(ph.file)} of ${p(ph.duplicate_of)}: ${ph.duplicate_reason ?? ""}`);
  for (const ph of catalog.photos)
    if (ph.zip_name)
      lines.push(`renamed ${p(ph.zip_name)} → ${p(ph.file)}: ${renamedBecause(ph.zip_name, ph.file)}`);
  for (const s of catalog.skipped)
    lines.push(`skipped ${p(s.file)}: ${s.reason}${s.detail ? ` (${p(s.detail)})` : ""}`);
  for (const e of catalog.errors) lines.push(`error ${p(e.file)}: ${p(e.message)}`);
  const path = join(dir, DECISION_LOG_FILE);
  await writeFileAtomic(path, `${lines.join("\n")}\n`);
  return path;
}
