import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { writeFileAtomic, writeFileIfAbsent } from "../core/atomic.js";
import { fileSystemError, VbulkError } from "../core/errors.js";
import { diskCheckHint, ownFolderHint } from "../core/os-words.js";
import { registerSecret } from "../core/redact.js";
import { printable } from "../core/text.js";

/** Where vbulk keeps the session: VBULK_CONFIG_DIR, else $XDG_CONFIG_HOME/vbulk, else ~/.config/vbulk. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VBULK_CONFIG_DIR) return resolve(env.VBULK_CONFIG_DIR);
  return join(env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(homedir(), ".config"), "vbulk");
}

export const SESSION_FILE = "session.enc";
export const KEY_FILE = "session.key";
const KEY_WHAT = "key of the saved Vinted session";

/** Playwright's storageState: the browser's cookies and local storage. Credentials. */
export const StorageStateSchema = z.object({
  cookies: z.array(
    z.object({ name: z.string(), value: z.string(), domain: z.string(), path: z.string() }).passthrough(),
  ),
  origins: z.array(z.unknown()),
});
export type StorageState = z.infer<typeof StorageStateSchema>;

const EnvelopeSchema = z.object({
  v: z.literal(1),
  alg: z.literal("aes-256-gcm"),
  salt: z.string(),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

/**
 * The 32-byte key: from VBULK_SECRET_KEY (any passphrase, stretched with scrypt and the file's salt), or a random
 * key in DIR/session.key created with mode 0600. Either way the session file alone is useless.
 */
async function keyFor(dir: string, salt: Buffer, env: NodeJS.ProcessEnv): Promise<Buffer> {
  const secret = env.VBULK_SECRET_KEY;
  if (secret) {
    registerSecret(secret);
    return scryptSync(secret, salt, 32);
  }
  const path = join(dir, KEY_FILE);
  let hex = await readSessionFile(path, KEY_WHAT);
  if (hex === null) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Written whole, and only if there is none yet: a full disk or a kill leaves no empty key behind (an empty key
    // encrypted the session with nothing), and two logins at once end with one key.
    await writeFileIfAbsent(path, randomBytes(32).toString("hex"), 0o600).catch((err: unknown) => {
      throw fileSystemError(
        err,
        path,
        "write",
        "Free some space or fix the folder's permissions, then log in again.",
      );
    });
    hex = await readSessionFile(path, KEY_WHAT);
  }
  const key = (hex ?? "").trim();
  if (!/^[0-9a-f]{64}$/.test(key))
    throw new VbulkError(
      "BAD_INPUT",
      `Expected 64 hexadecimal digits (a 32-byte key) in ${path} but it holds ${key.length} characters of something else: the saved session cannot be trusted`,
      {
        hint: `Delete ${path} and ${join(dir, SESSION_FILE)}, then run \`vbulk login\` (or set VBULK_SECRET_KEY).`,
      },
    );
  registerSecret(key);
  return scryptSync(Buffer.from(key, "hex"), salt, 32);
}

/**
 * The session file's text, or null when there is none (ENOENT only). A file that is there but cannot be read is
 * never taken for "not logged in": the hint then said to log in, and the new login replaced it (a session left
 * owned by root by a `sudo vbulk login` is the usual case). Throws NOT_WRITABLE naming the file and what to do
 * (exit 2), BAD_FILE for another read error (a failing disk). Never reads out what the file holds.
 */
async function readSessionFile(path: string, what = "saved Vinted session"): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === "ENOENT") return null;
    const where = printable(path);
    const folder = printable(dirname(path));
    const left = "vbulk left it as it is and sent nothing.";
    if (code === "EACCES" || code === "EPERM")
      throw new VbulkError(
        "NOT_WRITABLE",
        `Expected a ${what} vbulk may read at ${where} but reading it was refused (${code}); ${left}`,
        {
          hint: `${ownFolderHint(folder, where)}, then run the same command again. No new login is needed.`,
          cause: err,
        },
      );
    if (code === "EISDIR")
      throw new VbulkError(
        "NOT_WRITABLE",
        `Expected a ${what} file at ${where} but found a folder there; ${left}`,
        {
          hint: "Move it away (vbulk keeps the encrypted session and its key in files of those names), then run `vbulk login`.",
          cause: err,
        },
      );
    if (code === "ENOTDIR")
      throw new VbulkError(
        "NOT_WRITABLE",
        `Expected a folder for vbulk's configuration at ${folder} but found a file there; ${left}`,
        {
          hint: "Move that file away, or point VBULK_CONFIG_DIR at a folder, then run `vbulk login`.",
          cause: err,
        },
      );
    throw new VbulkError(
      "BAD_FILE",
      `Could not read the ${what} ${where} (${code ?? "read error"}); ${left}`,
      {
        hint: `${diskCheckHint()}, then run the same command again.`,
        cause: err,
      },
    );
  }
}

/**
 * Throws, like loadSession, when a session file is there but cannot be read; a login checks it first, so that it
 * neither asks the seller to log in for nothing nor replaces a session that only needs its permissions fixed.
 */
export async function checkSessionReadable(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await readSessionFile(join(configDir(env), SESSION_FILE));
  if (!env.VBULK_SECRET_KEY) await readSessionFile(join(configDir(env), KEY_FILE), KEY_WHAT);
}

/**
 * Encrypts and writes the browser state (AES-256-GCM, file mode 0600, atomic). Throws (checkSessionReadable) rather
 * than replace a session file that is there but cannot be read.
 */
export async function saveSession(
  state: StorageState,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const dir = configDir(env);
  await checkSessionReadable(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const c of state.cookies) registerSecret(c.value);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await keyFor(dir, salt, env), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(state), "utf8"), cipher.final()]);
  const envelope = {
    v: 1,
    alg: "aes-256-gcm",
    salt: salt.toString("base64"),
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  };
  const path = join(dir, SESSION_FILE);
  await writeFileAtomic(path, JSON.stringify(envelope), 0o600);
  await chmod(path, 0o600);
  return path;
}

/**
 * Reads and decrypts the browser state. Throws NOT_LOGGED_IN when there is none or it cannot be decrypted (another
 * key), NOT_WRITABLE / BAD_FILE when the file is there but cannot be read (readSessionFile). Registers every
 * cookie value as a secret so no output can show it.
 */
export async function loadSession(env: NodeJS.ProcessEnv = process.env): Promise<StorageState> {
  const dir = configDir(env);
  const path = join(dir, SESSION_FILE);
  const text = await readSessionFile(path);
  if (text === null)
    throw new VbulkError("NOT_LOGGED_IN", `Expected a saved Vinted session at ${path} but there is none`, {
      hint: "Run `vbulk login` and log in in the window that opens.",
    });
  try {
    const e = EnvelopeSchema.parse(JSON.parse(text));
    const decipher = createDecipheriv(
      "aes-256-gcm",
      await keyFor(dir, Buffer.from(e.salt, "base64"), env),
      Buffer.from(e.iv, "base64"),
    );
    decipher.setAuthTag(Buffer.from(e.tag, "base64"));
    const plain = Buffer.concat([decipher.update(Buffer.from(e.data, "base64")), decipher.final()]).toString(
      "utf8",
    );
    const state = StorageStateSchema.parse(JSON.parse(plain));
    for (const c of state.cookies) registerSecret(c.value);
    return state;
  } catch (err) {
    // A key that cannot be read or trusted says so itself (what to delete, what to run).
    if (err instanceof VbulkError) throw err;
    throw new VbulkError(
      "NOT_LOGGED_IN",
      `Expected a session file that this key can decrypt at ${path} but it cannot be read`,
      {
        hint: "The key changed (VBULK_SECRET_KEY or session.key) or the file is damaged: run `vbulk login` again.",
      },
    );
  }
}
