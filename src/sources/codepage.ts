/**
 * The OEM code pages a ZIP entry name without the UTF-8 flag may be in. Windows' built-in « Send to → Compressed
 * (zipped) folder » writes names in the PC's OEM code page: CP437 on an American Windows, CP850 on a French, German,
 * Spanish or Italian one. The two agree on most accented small letters (é, à, ç) but not on capitals such as À, É
 * or Ô, where CP437 has box-drawing characters: `À vendre` read as CP437 is `╖ vendre`.
 */

/**
 * Code page 850 from 0x80 to 0xFF, in byte order, as the Unicode Consortium maps it
 * (https://www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/PC/CP850.TXT; Python's cp850 codec is generated from
 * that file and agrees). 0x00-0x7F is ASCII.
 */
const CP850_HIGH =
  "ÇüéâäàåçêëèïîìÄÅ" + // 0x80
  "ÉæÆôöòûùÿÖÜø£Ø×ƒ" + // 0x90
  "áíóúñÑªº¿®¬½¼¡«»" + // 0xA0
  "░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐" + // 0xB0
  "└┴┬├─┼ãÃ╚╔╩╦╠═╬¤" + // 0xC0
  "ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀" + // 0xD0
  "ÓßÔÒõÕµþÞÚÛÙýÝ¯´" + // 0xE0
  "\u00AD±‗¾¶§÷¸°¨·¹³²■\u00A0"; // 0xF0: a soft hyphen first, a no-break space last

/** Reads a name's bytes as CP850. */
export function decodeCp850(raw: Uint8Array): string {
  let name = "";
  for (const b of raw) name += b < 0x80 ? String.fromCharCode(b) : CP850_HIGH[b - 0x80];
  return name;
}

/** Box-drawing characters and blocks (U+2500-U+259F): what one code page makes of the other's letters, and never
 *  part of a file name a person typed. */
const BOX_DRAWING = /[\u2500-\u259F]/;

/**
 * Whether the names of one archive that carry no encoding (no UTF-8 flag, no Unicode Path field, not UTF-8 bytes)
 * are CP850 rather than CP437: some name read as CP437 holds box-drawing characters and none read as CP850 does.
 * Decided for the whole archive, from all of them, so that one archive is read one way (0xE0 alone is α in CP437
 * and Ó in CP850; a folder `À vendre` beside it says which). `names` pairs each name's bytes with its CP437 reading.
 */
export function namesInCp850(names: readonly { raw: Uint8Array; cp437: string }[]): boolean {
  return (
    names.some((n) => BOX_DRAWING.test(n.cp437)) && !names.some((n) => BOX_DRAWING.test(decodeCp850(n.raw)))
  );
}
