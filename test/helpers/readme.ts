import { readFileSync } from "node:fs";

/**
 * The README's shell examples, by the convention stated in README "Development → Examples are tested":
 * - every line of a ```sh block is one example (a line ending in `\` continues on the next), run from a
 *   workspace whose files carry the names the README uses (./photos, ./photos.zip, ./my-labels.json …);
 * - it must exit 0, unless its comment starts with `exit N` (`npx vbulk … # exit 2: the file is missing`);
 * - a ```sh illustrative block is not run; its first line is a comment giving the reason
 *   (`# illustrative: needs …`);
 * - other shell-ish fences (bash, shell, console, zsh) are refused, so an example cannot slip past the test.
 */
export interface Example {
  /** 1-based line of the README where the example starts. */
  line: number;
  /** The command as written (continuations joined), comment included. */
  command: string;
  /** The exit code the README states (default 0). */
  exit: number;
}

export interface ShellBlock {
  line: number;
  illustrative: string | null;
  examples: Example[];
}

const SHELLISH = new Set(["bash", "shell", "console", "zsh", "sh-session", "shellscript"]);

/** Where the comment of a shell line starts (a `#` after whitespace, outside quotes), or -1. */
export function commentStart(text: string): number {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) return i;
  }
  return -1;
}

/** The fenced shell blocks of a Markdown text; throws (naming the line) on a block that breaks the convention. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split("\n");
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i] ?? "");
    if (!open) continue;
    const [, , fence = "```", lang = "", info = ""] = open;
    const body: { text: string; line: number }[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] ?? "").trim().startsWith(fence); j++)
      body.push({ text: lines[j] ?? "", line: j + 1 });
    const start = i + 1;
    i = j;
    if (SHELLISH.has(lang))
      throw new Error(
        `README.md:${start}: a \`\`\`${lang} block; shell examples are \`\`\`sh (tested) or \`\`\`sh illustrative`,
      );
    if (lang !== "sh") continue;
    if (info && info !== "illustrative")
      throw new Error(`README.md:${start}: unknown tag "${info}" on a \`\`\`sh block (only "illustrative")`);
    if (info === "illustrative") {
      const reason = /^#\s*illustrative:\s*(\S.*)$/.exec(body[0]?.text.trim() ?? "");
      if (!reason)
        throw new Error(
          `README.md:${start}: an illustrative block starts with "# illustrative: <why it is not run>"`,
        );
      blocks.push({ line: start, illustrative: reason[1] ?? "", examples: [] });
      continue;
    }
    const examples: Example[] = [];
    for (let k = 0; k < body.length; k++) {
      const first = body[k]!;
      let text = first.text;
      while (/\\\s*$/.test(text) && k + 1 < body.length)
        text = `${text.replace(/\\\s*$/, "")} ${body[++k]!.text.trim()}`;
      const trimmed = text.trim();
      if (!trimmed || trimmed.startsWith("#")) continue;
      const at = commentStart(trimmed);
      const comment = at >= 0 ? trimmed.slice(at + 1).trim() : "";
      const code = /^exit (\d+)\b/.exec(comment);
      examples.push({ line: first.line, command: trimmed, exit: code ? Number(code[1]) : 0 });
    }
    blocks.push({ line: start, illustrative: null, examples });
  }
  return blocks;
}

/** The README's shell blocks. */
export function readmeBlocks(path: string): ShellBlock[] {
  return shellBlocks(readFileSync(path, "utf8"));
}
