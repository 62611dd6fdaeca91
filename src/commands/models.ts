import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { offlineMode } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { shellWord, vbulkAs } from "../core/text.js";
import { checkModelFolder } from "../model/clip.js";
import { checkBaseUrl, pullModel } from "../model/download.js";
import {
  CACHED_MODEL_HINT,
  DEFAULT_BASE_URL,
  DEFAULT_MODEL,
  listManifests,
  loadManifest,
  manifestForFolder,
  modelCacheDir,
  readLocalManifest,
  requireSideFiles,
  verifyFiles,
  writeLocalManifest,
} from "../model/manifest.js";
import { envOption, parseFlag } from "./options.js";
import { createIo, downloadRenderer } from "./render.js";
import { onStopSignal, stopped } from "./signals.js";

type Run = (fn: () => Promise<number>) => Promise<void>;

/** Registers `vbulk models pull|list|verify|manifest`. */
export function registerModels(program: Command, run: Run): void {
  const models = program
    .command("models")
    .description("download, list and verify the CLIP model used by ingest");

  models
    .command("pull")
    .description("download a model into the cache (resumable, sha256-verified, atomic)")
    .option("--model <name>", "which model (see `vbulk models list`)", DEFAULT_MODEL)
    .addOption(
      envOption("--base-url <url>", "where to download from (Hugging Face layout)", "VBULK_MODEL_BASE_URL"),
    )
    .option("--json", "print the pulled manifest as JSON")
    .action((raw: { model: string; baseUrl?: string; json?: boolean }, cmd: Command) =>
      run(async () => {
        const io = createIo(raw.json === true);
        // Checked before anything else, naming where it came from: a bad value is a bad command, offline or not.
        const baseUrlFrom =
          cmd.getOptionValueSource("baseUrl") === "env" ? "env VBULK_MODEL_BASE_URL" : "--base-url";
        const baseUrl = checkBaseUrl(raw.baseUrl ?? DEFAULT_BASE_URL, baseUrlFrom);
        const manifest = await loadManifest(raw.model);
        const dir = join(modelCacheDir(), manifest.name);
        // The README's promise for VBULK_OFFLINE=1 is "never try the network": a pull is nothing else.
        if (offlineMode())
          throw new VbulkError(
            "BAD_USAGE",
            `Expected to download ${manifest.name} but VBULK_OFFLINE=${process.env.VBULK_OFFLINE} is set (never try the network): nothing was downloaded`,
            {
              hint: `To download, unset VBULK_OFFLINE for this run (VBULK_OFFLINE= vbulk models pull). To stay offline, copy the model's files into a folder and pass --model-dir DIR to ingest (README "Offline installs").`,
            },
          );
        const render = downloadRenderer(io);
        // Ctrl-C, SIGTERM or SIGHUP stop the download (its .part is kept, the next pull resumes it) and say so: the
        // signal's default killed the process with the bar's hidden cursor and no line wrap left on the terminal,
        // no word on stderr and no JSON document.
        const stop = new AbortController();
        const resume = `run \`${vbulkAs()} models pull\` again to resume`;
        const stopListening = onStopSignal({
          json: io.json,
          stop: () => stop.abort(stopped(`interrupted: the download stopped; ${resume}.`)),
          atOnce: `interrupted: stopped at once by a second signal; ${resume}.`,
        });
        try {
          const pulled = await pullModel(manifest, dir, {
            baseUrl,
            baseUrlFrom,
            onEvent: render.onEvent,
            signal: stop.signal,
          }).catch((err: unknown) => {
            // The cut download is reported as the stop it was, not as a network failure.
            if (stop.signal.aborted) throw stop.signal.reason;
            throw err;
          });
          render.stop();
          if (io.json) io.out(JSON.stringify({ dir, manifest: pulled }, null, 2));
          else io.out(`${manifest.name} is ready in ${dir} (${pulled.files.length} files verified)`);
          return 0;
        } finally {
          render.stop();
          stopListening();
        }
      }),
    );

  models
    .command("list")
    .description("the models vbulk can download, and whether each is in the cache")
    .option("--json", "print as JSON")
    .action((raw: { json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        const rows = [];
        for (const m of await listManifests()) {
          const dir = join(modelCacheDir(), m.name);
          const pinned = (await readLocalManifest(dir).catch(() => null)) ?? m;
          const checks = await verifyFiles(dir, pinned);
          const state = checks.every((c) => c.state === "ok")
            ? "ready"
            : checks.every((c) => c.state === "missing")
              ? "not downloaded"
              : "incomplete";
          rows.push({
            name: m.name,
            repo: m.repo,
            revision: m.revision,
            dir,
            state,
            description: m.description,
          });
        }
        if (io.json) io.out(JSON.stringify(rows, null, 2));
        else for (const r of rows) io.out(`${r.name}  ${r.state}  ${r.dir}\n  ${r.description ?? ""}`);
        return 0;
      }),
    );

  models
    .command("verify")
    .description("check a model folder against its manifest (sizes and sha256)")
    .addOption(
      envOption(
        "--model-dir <dir>",
        "the folder to check (default: the cached default model)",
        "VBULK_MODEL_DIR",
      ),
    )
    .option("--json", "print as JSON")
    .action((raw: { modelDir?: string; json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        const dir = raw.modelDir ? resolve(raw.modelDir) : join(modelCacheDir(), DEFAULT_MODEL);
        // Looked at first: a file given for the folder was "a folder … in the way" of its vbulk-model.json.
        const folder = raw.modelDir ? await stat(dir).catch(() => null) : null;
        // The cache's pin is vbulk's own file: damaged, its files cannot be verified, and `models pull` (not a hand
        // fix, not `models manifest`) fetches them again (models audit F10). A --model-dir's is the seller's.
        const pin = folder?.isFile()
          ? null
          : await readLocalManifest(dir).catch((err: unknown) => {
              if (raw.modelDir || !(err instanceof VbulkError)) throw err;
              return err;
            });
        if (pin instanceof VbulkError) {
          const said = `${join(dir, "vbulk-model.json")} is damaged (${pin.message}): its files cannot be verified; \`vbulk models pull\` fetches them again and pins them anew`;
          if (io.json) io.out(JSON.stringify({ dir, ok: false, manifest: "damaged", files: [] }, null, 2));
          io.err(said);
          return 1;
        }
        const manifest = folder?.isFile()
          ? null
          : (pin ?? (raw.modelDir ? null : await loadManifest(DEFAULT_MODEL)));
        if (!manifest) {
          if (!folder?.isDirectory())
            throw new VbulkError(
              "NOT_FOUND",
              `Expected a model folder for --model-dir (or env VBULK_MODEL_DIR) but found ${folder ? "a file" : "nothing"} at ${dir}`,
              { hint: "Pass the folder that holds the model's files and its vbulk-model.json." },
            );
          throw new VbulkError("NOT_FOUND", `Expected a vbulk-model.json in ${dir} but found none`, {
            hint: "Write one with `vbulk models manifest DIR` (it records the files as they are now).",
          });
        }
        // A manifest an older vbulk wrote for a folder of encoders only lists no tokenizer: the files ingest
        // reads are checked whether listed or not.
        await requireSideFiles(
          dir,
          manifest.files.map((f) => f.path),
        );
        const checks = await verifyFiles(dir, manifest, { rehash: true });
        const ok = checks.every((c) => c.state === "ok");
        if (io.json) io.out(JSON.stringify({ dir, ok, files: checks }, null, 2));
        else {
          for (const c of checks)
            io.out(
              `${c.state === "ok" ? "ok      " : c.state.padEnd(8)} ${c.path}${c.detail ? `  ${c.detail}` : ""}`,
            );
          // The rows are the report (stdout); a failed verdict is said where every command says a failure.
          if (ok) io.out(`${dir}: all ${checks.length} files verified`);
          else io.err(`${dir}: not usable as is; \`vbulk models pull\` fetches what is missing or wrong`);
        }
        return ok ? 0 : 1;
      }),
    );

  models
    .command("manifest")
    .description("write vbulk-model.json for a folder of local CLIP files (sizes, sha256, encoders)")
    .argument("<dir>", "folder in the Hugging Face layout")
    .option("--name <name>", "a name for the model")
    .option("--json", "print the manifest as JSON")
    .action((dir: string, raw: { name?: string; json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        // --name "" stored a nameless model, as any empty flag value refused (README "Configuration").
        const name =
          raw.name === undefined
            ? undefined
            : parseFlag(z.string().trim().min(1, { message: "a name for the model" }), raw.name, "--name");
        const found = await manifestForFolder(resolve(dir), name);
        // A folder ingest cannot load is not recorded (ingest names a missing file only once it needs it).
        await requireSideFiles(resolve(dir));
        // The encoders' own embedding size, once both are found to fit together (config.json may say otherwise).
        const width = await checkModelFolder(resolve(dir), found).catch((err: unknown) => {
          // An encoder onnxruntime cannot load is this folder's to fix (exit 2): `models verify` and `models pull`,
          // which the cache's hint names, never write into it.
          if (err instanceof VbulkError && err.hint === CACHED_MODEL_HINT)
            throw new VbulkError(err.code, err.message, {
              hint: `Copy that file from the model's own download into ${resolve(dir)} again, then run \`${vbulkAs()} models manifest ${shellWord(resolve(dir))}\` again. Nothing was written.`,
              cause: err,
              exit: 2,
            });
          throw err;
        });
        const manifest = { ...found, embeddingSize: width };
        const path = await writeLocalManifest(resolve(dir), manifest);
        if (io.json) io.out(JSON.stringify(manifest, null, 2));
        else
          io.out(
            `wrote ${path}: ${manifest.files.length} files, vision ${manifest.vision}, text ${manifest.text}`,
          );
        return 0;
      }),
    );
}
