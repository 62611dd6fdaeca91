/**
 * An independent CLIP preprocessing reference, written from the documented recipe (Hugging Face
 * CLIPImageProcessor with PIL): shortest side to 224 with PIL's bicubic filter (a = -0.5, support widened by
 * the scale when downsampling, i.e. antialiased), horizontal pass then vertical pass, each rounded to uint8 as
 * PIL does; centre crop 224; rescale 1/255; normalise with mean/std; NCHW. Plain loops, no sharp.
 */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function resample1d(
  src: Float64Array,
  inLen: number,
  outLen: number,
  stride: number,
  lines: number,
  lineStride: number,
): Float64Array {
  const out = new Float64Array(lines * outLen * 3);
  const scale = inLen / outLen;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  for (let o = 0; o < outLen; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inLen, Math.ceil(center + support));
    const weights: number[] = [];
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      const w = cubic((i - center + 0.5) / filterScale);
      weights.push(w);
      sum += w;
    }
    for (let l = 0; l < lines; l++)
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let i = lo; i < hi; i++) acc += src[(l * lineStride + i * stride) * 3 + c]! * weights[i - lo]!;
        out[(l * outLen + o) * 3 + c] = Math.min(255, Math.max(0, Math.round(acc / sum)));
      }
  }
  return out;
}

export function referencePreprocess(
  rgb: Uint8Array,
  width: number,
  height: number,
  mean: number[],
  std: number[],
  size = 224,
): Float32Array {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.floor((size * long) / short);
  const w = width <= height ? size : newLong;
  const h = width <= height ? newLong : size;
  const src = Float64Array.from(rgb);
  // Horizontal: lines are rows. Output laid out row-major (row, x).
  const horiz = resample1d(src, width, w, 1, height, width);
  // Vertical: transpose view — lines are columns of the horizontal result.
  const vert = new Float64Array(w * h * 3);
  const colsOut = resample1d(transpose(horiz, w, height), height, h, 1, w, height);
  for (let x = 0; x < w; x++)
    for (let y = 0; y < h; y++)
      for (let c = 0; c < 3; c++) vert[(y * w + x) * 3 + c] = colsOut[(x * h + y) * 3 + c]!;
  const left = Math.floor((w - size) / 2);
  const top = Math.floor((h - size) / 2);
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        out[c * size * size + y * size + x] =
          (vert[((y + top) * w + (x + left)) * 3 + c]! / 255 - mean[c]!) / std[c]!;
  return out;
}

function transpose(a: Float64Array, w: number, h: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) t[(x * h + y) * 3 + c] = a[(y * w + x) * 3 + c]!;
  return t;
}
