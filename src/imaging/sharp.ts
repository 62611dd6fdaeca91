import type Sharp from "sharp";

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips), loaded on first use rather than at start-up: a re-run of ingest whose photos are all in the
 * cache decodes nothing, and loading sharp and its dependencies was 77 ms of the 0.45 s start-up (quiet
 * machine, `vbulk --version`).
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import("sharp").then((m) => m.default);
  return loading;
}
