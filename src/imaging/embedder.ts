/** Pixels of one decoded photo, as every embedder receives them. */
export interface PhotoPixels {
  pixels: Buffer;
  pw: number;
  ph: number;
}

/**
 * Turns photos into L2-normalised vectors whose cosine similarity says "same garment". The model-free embedder
 * (features.ts) and the CLIP embedder implement it; grouping does not know which one it has.
 */
export interface Embedder {
  /** Names what the embedder computes (its version, or the model's content, never its name); part of the cache
   *  key and of the grouping basis, recorded in the catalog. */
  readonly id: string;
  /** The model's name, for messages only (the same encoders may be found under another name). */
  readonly name?: string;
  readonly dims: number;
  /** Photos per embed() call that the embedder handles best. */
  readonly batchSize: number;
  /** Embeds a batch; returns one unit vector per photo, in order. */
  embed(batch: PhotoPixels[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/**
 * The id an embedder id stands for today: an older vbulk named CLIP embedders "clip:<model name>@<content key>", so the
 * same encoders under another folder or manifest name counted as another model (every photo analysed again, every
 * article regrouped). Ids of today ("clip:<content key>", "features-v1") are returned as they are.
 */
export function currentEmbedderId(id: string): string {
  const m = /^clip:.+@([0-9a-f]{12})$/.exec(id);
  return m ? `clip:${m[1]}` : id;
}

/** Scales a vector to unit length in place (a zero vector stays zero); returns it. */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

/** Dot product; for unit vectors, the cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
