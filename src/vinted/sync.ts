import { type Mapping, mappingKey, syncedMappingPath } from "../listing/mapping.js";
import type { CatalogNode, SnapshotElement, VintedTab } from "./adapter.js";

export interface LeafInfo {
  id: number;
  path: string[];
  leaf: boolean;
}

/** Every catalogue node by id, with its title path and whether it is a leaf. */
export function indexTree(roots: CatalogNode[]): Map<number, LeafInfo> {
  const out = new Map<number, LeafInfo>();
  const walk = (nodes: CatalogNode[], path: string[]) => {
    for (const n of nodes) {
      const p = [...path, n.title];
      out.set(n.id, { id: n.id, path: p, leaf: !n.catalogs?.length });
      if (n.catalogs?.length) walk(n.catalogs, p);
    }
  };
  walk(roots, []);
  return out;
}

const norm = (s: string) =>
  s.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/&/g, "et").replace(/\s+/g, " ").trim();

/** Whether a live title path is the mapping's path or under it (titles compared as norm does): the id the seller set
 *  under a parent the mapping names (a boot's leaf under « Bottes ») is theirs to choose. */
function within(live: string[], recorded: string[]): boolean {
  return recorded.length <= live.length && recorded.every((p, i) => norm(p) === norm(live[i]!));
}

export interface MappingCheck {
  category: string;
  gender: "femme" | "homme";
  id: number | null;
  status: "ok" | "resolved" | "removed" | "not_leaf" | "changed" | "unresolved";
  detail: string;
}

/**
 * Checks every mapped leaf against the live tree: the id must exist, be a leaf, and be the category the entry's
 * path names (or a leaf under it). An entry without an id gets the leaf whose title path matches; a removed,
 * non-leaf or other category's id is flagged (plan then marks the article needs_review with the reason). Returns the refreshed mapping and one line per entry. Pure.
 */
export function checkMapping(
  mapping: Mapping,
  roots: CatalogNode[],
  today: string,
  /** The file the seller edits to set a leaf by hand (named in the lines that ask for one). */
  file: string = syncedMappingPath(),
): { mapping: Mapping; checks: MappingCheck[] } {
  const index = indexTree(roots);
  const byPath = new Map<string, LeafInfo>();
  for (const l of index.values()) byPath.set(l.path.map(norm).join(" > "), l);
  const refreshed = structuredClone(mapping);
  const checks: MappingCheck[] = [];
  for (const [category, cat] of Object.entries(refreshed.categories))
    for (const gender of ["femme", "homme"] as const) {
      const entry = cat.catalog[gender];
      if (!entry) continue;
      delete entry.problem;
      const display = entry.path.join(" > ");
      if (entry.id === null) {
        const hit = byPath.get(entry.path.map(norm).join(" > "));
        if (hit?.leaf) {
          entry.id = hit.id;
          checks.push({
            category,
            gender,
            id: hit.id,
            status: "resolved",
            detail: `${display} is leaf ${hit.id}`,
          });
        } else {
          // "pick one in the mapping" named neither the file nor the key: say both, and what there is to pick.
          const key = `${mappingKey(category, gender)} in ${file}`;
          const children = hit
            ? [...index.values()].filter(
                (l) => l.leaf && l.path.length > hit.path.length && hit.path.every((p, i) => l.path[i] === p),
              )
            : [];
          const shown = children
            .slice(0, 8)
            .map((l) => `${l.path.slice(hit!.path.length).join(" > ")} ${l.id}`)
            .join(", ");
          checks.push({
            category,
            gender,
            id: null,
            status: "unresolved",
            detail: hit
              ? `${display} is a parent: set one of its leaves (${shown}${children.length > 8 ? ", …" : ""}) as ${key}`
              : `no category at ${display} in the live catalogue: set the leaf id of your choice as ${key}`,
          });
        }
        continue;
      }
      const live = index.get(entry.id);
      if (!live) {
        entry.problem = `Vinted catalogue ${entry.id} (${display}) no longer exists (vbulk vinted sync, ${today}): pick another leaf`;
        checks.push({ category, gender, id: entry.id, status: "removed", detail: entry.problem });
      } else if (!live.leaf) {
        entry.problem = `Vinted catalogue ${entry.id} (${live.path.join(" > ")}) is not a leaf (vbulk vinted sync, ${today}): pick one of its children`;
        checks.push({ category, gender, id: entry.id, status: "not_leaf", detail: entry.problem });
      } else if (!within(live.path, entry.path)) {
        // The id is a leaf, but another category than the one the mapping names: an id recorded wrong, or Vinted
        // gave it to another category. Listing under it would put the article in the wrong place on Vinted, so it
        // is flagged rather than taken (a leaf the seller chose under the named path is taken: see within).
        const key = `${mappingKey(category, gender)} in ${file}`;
        const hit = byPath.get(entry.path.map(norm).join(" > "));
        entry.problem = `Vinted catalogue ${entry.id} is ${live.path.join(" > ")} on Vinted, not ${display} (vbulk vinted sync, ${today}): ${
          hit?.leaf
            ? `${display} is ${hit.id}: set that id as ${key}, or keep ${entry.id} by setting its path there to ${JSON.stringify(live.path)}`
            : `set the id of the category you mean, and its path, as ${key}`
        }`;
        checks.push({ category, gender, id: entry.id, status: "changed", detail: entry.problem });
      } else {
        entry.path = live.path;
        checks.push({ category, gender, id: entry.id, status: "ok", detail: live.path.join(" > ") });
      }
    }
  refreshed.note = `Refreshed by \`vbulk vinted sync\` on ${today} from the live catalogue; shipped mapping: models/vinted-fr.json.`;
  return { mapping: refreshed, checks };
}

export interface DoctorReport {
  schemaVersion: 1;
  at: string;
  site: string;
  landed: string;
  /** `checked`: Vinted answered who is logged in (false when that read itself failed: see errors). */
  session: { ok: boolean; user: string | null; checked: boolean };
  catalogue: { nodes: number; leaves: number } | null;
  mapping: MappingCheck[];
  colors: number | null;
  package_sizes: number | null;
  form: SnapshotElement[];
  errors: string[];
}

/**
 * What `vbulk doctor` records, reads only: where /items/new lands, who is logged in, the catalogue and the mapping
 * check, the upload form's fields. It never uploads, saves or clicks a submit button.
 */
export async function recordDoctor(
  tab: VintedTab,
  mapping: Mapping,
  now = new Date(),
): Promise<DoctorReport> {
  const errors: string[] = [];
  const report: DoctorReport = {
    schemaVersion: 1,
    at: now.toISOString(),
    site: tab.baseUrl,
    landed: "",
    session: { ok: false, user: null, checked: false },
    catalogue: null,
    mapping: [],
    colors: null,
    package_sizes: null,
    form: [],
    errors,
  };
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message.split("\n")[0]}`);
    }
  };
  try {
    const page = await tab.open("/items/new");
    report.landed = new URL(page.url()).pathname;
  } catch (err) {
    // An unreachable site is the answer, not a finding: say so (NETWORK) instead of an empty report.
    if ((err as { code?: string }).code === "NETWORK") throw err;
    errors.push(`opening /items/new: ${(err as Error).message.split("\n")[0]}`);
  }
  await attempt("current user", async () => {
    const u = await tab.currentUser();
    report.session = { ok: u !== null, user: u?.login ?? null, checked: true };
  });
  await attempt("catalogue", async () => {
    const roots = await tab.catalogs();
    const index = indexTree(roots);
    report.catalogue = { nodes: index.size, leaves: [...index.values()].filter((l) => l.leaf).length };
    report.mapping = checkMapping(mapping, roots, report.at.slice(0, 10)).checks;
  });
  await attempt("colours", async () => {
    report.colors = (await tab.colors()).length;
  });
  await attempt("package sizes", async () => {
    report.package_sizes = (await tab.packageSizes()).length;
  });
  await attempt("form snapshot", async () => {
    report.form = await tab.snapshotForm();
  });
  return report;
}
