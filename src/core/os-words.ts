import { homedir } from "node:os";
import { win32 } from "node:path";
import { shellWord } from "./text.js";

/**
 * Hints that name a command of the seller's own system. Linux and macOS have `ls`, `chmod`, `sudo`, `cp -r`,
 * `rm`, `dmesg`, `~` and `VAR=value`; Windows' cmd.exe and PowerShell have none of them as bash has (cmd made a
 * folder literally named `~` of `--out ~/vbulk-out`, and said "'VBULK_CACHE_DIR' is not recognized" of
 * `VBULK_CACHE_DIR=… vbulk …`), so on win32 each says what to do there instead. `platform` is injectable for tests.
 */

/** Where to look at a folder's permissions: `ls -ld` or, on Windows, its Security tab. */
export function permissionsHint(path: string, platform: NodeJS.Platform = process.platform): string {
  return platform === "win32"
    ? `Check its permissions (right-click it in Explorer → Properties → Security)`
    : `Check its permissions (\`ls -ld ${path}\`)`;
}

/** How to let your account read a photo: a file manager, or `chmod a+r` where it exists. */
export function readableHint(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32"
    ? "right-click it in Explorer → Properties → Security, and give your account Read"
    : "its properties in a file manager, or `chmod a+r` on it";
}

/** How to check a disk that gave a read error: `dmesg` or Windows' own disk check. */
export function diskCheckHint(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32"
    ? "Check the disk (Explorer → the drive's Properties → Tools → Check)"
    : "Check the disk (`dmesg`)";
}

/** How to make vbulk's configuration folder yours again when reading the session file was refused. */
export function ownFolderHint(
  folder: string,
  file: string,
  platform: NodeJS.Platform = process.platform,
): string {
  return platform === "win32"
    ? `Give your account back the right to read ${folder} (right-click it in Explorer → Properties → Security; a \`vbulk login\` run as another user or as administrator leaves it theirs)`
    : `Make the folder yours again (\`ls -l ${folder}\`; a \`sudo vbulk login\` leaves it root's): \`sudo chown -R "$(id -un)" ${folder} && chmod 600 ${file}\``;
}

/** How to set VBULK_CACHE_DIR for one run: bash's `VAR=value`, or cmd's `set` and PowerShell's `$env:`. */
export function cacheDirHint(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32"
    ? 'Set VBULK_CACHE_DIR to a folder this user can write (cmd: `set VBULK_CACHE_DIR=C:\\vbulk-cache`; PowerShell: `$env:VBULK_CACHE_DIR = "C:\\vbulk-cache"`); `vbulk ingest` also runs without the model (--no-model).'
    : "Set VBULK_CACHE_DIR to a folder this user can write (e.g. VBULK_CACHE_DIR=/tmp/vbulk-cache); `vbulk ingest` also runs without the model (VBULK_OFFLINE=1).";
}

/** How to copy a model folder this user cannot write in. */
export function copyModelHint(platform: NodeJS.Platform = process.platform): string {
  return `Copy the folder somewhere you can write (${platform === "win32" ? "e.g. into a models folder of your user folder, with Explorer" : "cp -r DIR ~/models/"}) and run \`vbulk models manifest\` on the copy, or have the folder's owner run it; ingest still loads the folder as it is (unverified).`;
}

/** An --out folder to suggest: `~/vbulk-out`, which cmd and Windows PowerShell do not expand, so the real path there. */
export function outExample(platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  return platform === "win32" ? shellWord(win32.join(home, "vbulk-out"), "win32") : "~/vbulk-out";
}

/** How to remove a symbolic link in the way: `rm`, or Explorer (which deletes the link, not what it points to). */
export function removeLinkHint(path: string, platform: NodeJS.Platform = process.platform): string {
  return platform === "win32"
    ? `Remove the link (delete ${path} in Explorer: what it points to is kept)`
    : `Remove the link (\`rm ${path}\`)`;
}
