/**
 * Template limits benchmark (npm run bench:templates): what a shared template can cost a 500-article plan (1000
 * renders: a title and a description each) under DEFAULTS.templates. For each template: the time of the whole
 * plan's renders (or until the first refusal) in wall-clock and CPU time (the CPU time varies less with the
 * machine's load), the slowest render, what stopped it and the process's memory. "worst" templates stay just under a limit on every article: their line is the most
 * a template can cost. Prints a table; nothing is asserted.
 *
 *   npm run bench:templates                 500 articles
 *   npm run bench:templates -- --articles 50
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULTS } from "../src/core/defaults.js";
import { DEFAULT_TEMPLATES, loadTemplates, render, type TemplateContext } from "../src/listing/templates.js";

const argArticles = process.argv.indexOf("--articles");
const N = argArticles > 0 ? Number(process.argv[argArticles + 1]) : 500;
const L = DEFAULTS.templates;

/** A loop printing `chars` characters (at most the longest text a template may build). */
const filler = (chars: number) =>
  `{% for i in (1..${Math.floor(Math.min(chars, L.maxTextChars - 100) / 10)}) %}0123456789{% endfor %}`;
const CASES: [string, string][] = [
  ["default fr (title + description)", ""],
  [
    "audit 8: capture doubling + replace",
    '{% capture s %}xxxxxxxxxxxxxxxx{% endcapture %}{% for i in (1..23) %}{% capture s %}{{s}}{{s}}{% endcapture %}{% endfor %}{{ s | replace: "x", "y" | size }}',
  ],
  [
    "audit 8: five nested loops of 13",
    "{% for a in (1..13) %}{% for b in (1..13) %}{% for c in (1..13) %}{% for d in (1..13) %}{% for e in (1..13) %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{{ category }}",
  ],
  [
    "worst steps: an empty loop just under the limit",
    `{% for i in (1..${L.maxRenderSteps - 20}) %}{% endfor %}{{ category }}`,
  ],
  [
    "worst chars: split | sort_natural | join",
    `{% capture s %}${filler(L.maxRenderChars / 8)}{% endcapture %}{{ s | split: "" | sort_natural | join: "" | size }}`,
  ],
  [
    "worst chars: split | sort | uniq | reverse",
    `{% capture s %}${filler(L.maxRenderChars / 10)}{% endcapture %}{{ s | split: "" | sort | uniq | reverse | size }}`,
  ],
  [
    "worst chars: slugify | url_encode | escape",
    `{% capture s %}${filler(L.maxRenderChars / 6)}{% endcapture %}{{ s | slugify | url_encode | escape | size }}`,
  ],
  [
    "worst steps and chars: a loop of upcase",
    `{% capture s %}${filler(100)}{% endcapture %}{% for i in (1..${Math.floor(L.maxRenderChars / 250)}) %}{% assign t = s | upcase %}{% endfor %}{{ category }}`,
  ],
];

const ctx = (i: number): TemplateContext => ({
  id: `c${i + 1}`,
  category: "Chemise",
  group: "clothing",
  color: "blanche",
  condition: "bon état",
  condition_sentence: "Bon état.",
  size: i % 2 ? "M" : null,
  brand: null,
  price: 20,
  gender: "femme",
});

const root = await mkdtemp(join(tmpdir(), "vbulk-bench-tpl-"));
const rows: string[][] = [];
try {
  for (const [name, src] of CASES) {
    let dir = DEFAULT_TEMPLATES;
    if (src) {
      dir = join(root, String(rows.length));
      await mkdir(join(dir, "fr"), { recursive: true });
      await writeFile(join(dir, "fr", "title.njk"), src);
      await writeFile(join(dir, "fr", "description.njk"), src);
    }
    const t = await loadTemplates(dir, "fr");
    const start = performance.now();
    const cpu = process.cpuUsage();
    let renders = 0;
    let refused = "";
    let slowest = 0;
    for (let i = 0; i < N && !refused; i++)
      for (const [tpl, file] of [
        [t.title, "title.njk"],
        [t.description, "description.njk"],
      ] as const) {
        const one = performance.now();
        try {
          render(tpl, ctx(i), file);
          renders++;
        } catch (err) {
          refused = (err as Error).message.replace(/^.* but it /, "");
          break;
        } finally {
          slowest = Math.max(slowest, performance.now() - one);
        }
      }
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    rows.push([
      name,
      String(renders),
      `${(ms / 1000).toFixed(2)} s`,
      `${((used.user + used.system) / 1e6).toFixed(2)} s`,
      `${slowest.toFixed(1)} ms`,
      refused || "rendered",
      `${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
    ]);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

console.log(
  `${N} articles, ${2 * N} renders; limits: text ${L.maxTextChars}, chars ${L.maxRenderChars}, steps ${L.maxRenderSteps}`,
);
const head = ["template", "renders", "all renders", "cpu", "slowest render", "outcome", "rss"];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
for (const r of [head, ...rows]) console.log(r.map((v, c) => v.padEnd(widths[c]!)).join("  "));
