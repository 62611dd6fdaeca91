import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cacheDirHint,
  copyModelHint,
  diskCheckHint,
  outExample,
  ownFolderHint,
  permissionsHint,
  readableHint,
  removeLinkHint,
} from "../src/core/os-words.js";
import { shellWord } from "../src/core/text.js";

// Audit portability 2: every `next:` line and hint quoted a Windows path in bash's single quotes, which cmd.exe
// passes on with the quotes (`'C:\…'`: "Expected a folder … received 'C:\…'") and PowerShell cannot read when the
// path holds an apostrophe ('\'').
describe("shellWord: a path as the seller's shell reads it back", () => {
  it("on Windows, double quotes that cmd.exe and PowerShell both read as one word", () => {
    const table: [string, string][] = [
      ["C:\\Users\\Marie\\Photos d'été", `"C:\\Users\\Marie\\Photos d'été"`],
      ["C:\\Users\\Marie\\Mes photos", `"C:\\Users\\Marie\\Mes photos"`],
      // Nothing either shell changes: as it is.
      ["C:\\Users\\Marie\\photos.vbulk", "C:\\Users\\Marie\\photos.vbulk"],
      ["c3.price=30", "c3.price=30"],
      // PowerShell would make an array of c1,c2, and @ starts a splat: quoted.
      ["c1,c2", `"c1,c2"`],
      // cmd leaves % alone unless it names a set variable; PowerShell leaves it alone.
      ["D:\\Soldes 100% coton", `"D:\\Soldes 100% coton"`],
      // PowerShell would expand $b (to nothing) in double quotes; a `$` before a space it leaves alone.
      ["D:\\a$b", '"D:\\a`$b"'],
      ["D:\\prix 5$ ok", `"D:\\prix 5$ ok"`],
      ["D:\\a`b", '"D:\\a``b"'],
      // A trailing backslash before the closing quote would be read as an escaped quote.
      ["D:\\Mes photos\\", `"D:\\Mes photos\\\\"`],
      ['{"robe":25}', `"{\\"robe\\":25}"`],
      // A control character is shown escaped, never sent to the terminal.
      ["D:\\a\x1bb", "D:\\a\\x1bb"],
    ];
    for (const [path, quoted] of table) assert.equal(shellWord(path, "win32"), quoted, path);
  });

  it("on Linux and macOS, bash's quoting as before", () => {
    for (const platform of ["linux", "darwin"] as const) {
      assert.equal(shellWord("/home/marie/photos", platform), "/home/marie/photos");
      assert.equal(shellWord("~/Mes photos", platform), "'~/Mes photos'");
      assert.equal(shellWord("/home/marie/Photos d'été", platform), `'/home/marie/Photos d'\\''été'`);
      assert.equal(shellWord("c1,c2", platform), "c1,c2");
    }
  });
});

// Audit portability 2: hints named `ls -ld`, `chmod`, `sudo chown`, `dmesg`, `cp -r`, `rm`, `~/…` and
// `VAR=value`, none of which cmd.exe or PowerShell has (cmd made a folder named `~` of `--out ~/vbulk-out`).
describe("hints in the words of the seller's system", () => {
  const bashOnly = /`ls |chmod|sudo|chown|dmesg|cp -r|`rm |~\/|VBULK_CACHE_DIR=\/tmp/;
  const hints = (platform: NodeJS.Platform) => [
    permissionsHint("/photos", platform),
    readableHint(platform),
    diskCheckHint(platform),
    ownFolderHint("/cfg", "/cfg/session.enc", platform),
    cacheDirHint(platform),
    copyModelHint(platform),
    outExample(platform, platform === "win32" ? "C:\\Users\\Marie" : "/home/marie"),
    removeLinkHint("/photos/.vbulk", platform),
  ];

  it("on Windows, none names a bash-only command; the --out example is the real path", () => {
    for (const hint of hints("win32")) assert.doesNotMatch(hint, bashOnly, hint);
    assert.equal(outExample("win32", "C:\\Users\\Marie"), "C:\\Users\\Marie\\vbulk-out");
    assert.equal(outExample("win32", "C:\\Users\\Marie Dupont"), `"C:\\Users\\Marie Dupont\\vbulk-out"`);
    assert.match(cacheDirHint("win32"), /set VBULK_CACHE_DIR=C:\\vbulk-cache.*\$env:VBULK_CACHE_DIR = /);
  });

  it("on Linux and macOS, the words they had", () => {
    for (const platform of ["linux", "darwin"] as const) {
      assert.equal(permissionsHint("/photos", platform), "Check its permissions (`ls -ld /photos`)");
      assert.equal(diskCheckHint(platform), "Check the disk (`dmesg`)");
      assert.match(readableHint(platform), /`chmod a\+r` on it/);
      assert.equal(
        ownFolderHint("/cfg", "/cfg/session.enc", platform),
        'Make the folder yours again (`ls -l /cfg`; a `sudo vbulk login` leaves it root\'s): `sudo chown -R "$(id -un)" /cfg && chmod 600 /cfg/session.enc`',
      );
      assert.match(cacheDirHint(platform), /e\.g\. VBULK_CACHE_DIR=\/tmp\/vbulk-cache/);
      assert.match(copyModelHint(platform), /\(cp -r DIR ~\/models\/\)/);
      assert.equal(outExample(platform, "/home/marie"), "~/vbulk-out");
      assert.equal(removeLinkHint("/p/.vbulk", platform), "Remove the link (`rm /p/.vbulk`)");
    }
  });
});
