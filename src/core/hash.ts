import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** sha256 (hex) of a text (as UTF-8) or of bytes held in memory. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 (hex) of a file, streamed: model files are hundreds of MB, photos tens. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
