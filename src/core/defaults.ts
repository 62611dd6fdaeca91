/**
 * Every threshold and limit vbulk uses, with why it has that value. Flags, VBULK_* / spec env vars and a config
 * file override these (see config.ts); nothing else in the code hard-codes a threshold.
 */
import type { Condition, Department, GroupingMethod, Language } from "./vocab.js";

export const DEFAULTS = Object.freeze({
  sources: Object.freeze({
    /** Spec's BULK_MAX_FILES: a seller's batch is ~150 photos, 500 is a big one; more is likely the wrong folder. */
    maxFiles: 500,
    /** A 48 MP phone JPEG is ~15 MB, a ProRAW-ish HEIC ~30 MB: 64 MiB leaves room and stops absurd entries. */
    maxFileBytes: 64 * 1024 * 1024,
    /** 500 photos x ~15 MB, with margin. Also the zip-bomb ceiling for the total uncompressed size. */
    maxTotalBytes: 8 * 1024 * 1024 * 1024,
    /** Photos barely compress (ratio ~1); an entry inflating 100x is a bomb, not a photo. */
    maxCompressionRatio: 100,
    /** What counts as a photo, by extension (lower case). Anything else is skipped and counted. `.jfif` and `.jpe`
     *  are JPEGs too: what Chrome and WhatsApp Web save on Windows (the decoder reads the content, not the name). */
    imageExtensions: Object.freeze([
      ".jpg",
      ".jpeg",
      ".jfif",
      ".jpe",
      ".png",
      ".webp",
      ".avif",
      ".tif",
      ".tiff",
      ".gif",
      ".heic",
      ".heif",
    ]),
  }),
  decode: Object.freeze({
    /** Shortest side of the decoded working image: >= 224 (CLIP's input) so every later step crops, never upsamples. */
    workingSize: 256,
    /** Decodes in flight: 2 cores; performance.md measured 2-4 queued decodes keep libvips busy while inference runs. */
    concurrency: 4,
    /** Largest image decoded, in pixels, checked on the size a file declares before decoding (every decoder, HEIC
     *  too). 200 MP phone sensors (16320x12240) fit; a 58 KB HEIC declaring 16000x16000 (256 MP, 3.1 GB to decode
     *  in issue 8) does not. */
    maxPixels: 210_000_000,
    /** Shortest side (pixels, as shown) under which an image is no garment photo and is refused as a bad photo
     *  (a tracking pixel, an icon, a web page's 1000x1 spacer), checked on the size a file declares. vbulk reads
     *  every photo on small grids: 48x48 for colour and texture (the model-free embedder, the garment colour) and
     *  32x32 or 8x8 for the duplicate hashes; an image smaller than they are is read from pixels the resize
     *  invents, and at that size shows a buyer nothing. CLIP's 224x224 input is no floor: a small copy of a real
     *  photo is enlarged to it and still shows its garment (madison-near-duplicates holds a store's 144x216
     *  thumbnail), and Vinted sets no smallest size (../shared/vinted.md: 1-20 JPEGs of at most ~10 MB, 3:4
     *  portrait recommended). 48 also refuses the 16x16 and 32x32 icons a saved web page brings. */
    minSide: 48,
    /** Longest side over shortest side (as shown) over which an image is no garment photo and is refused as a bad
     *  photo, checked on the size a file declares: a web page's 1000x60 banner or a strip passes minSide. A phone
     *  photo is 4:3 or 16:9 (1.78), a phone's screenshot about 2.2 (kept: DEFAULTS.ingest.screenshotMinAspect), a
     *  long garment laid flat still fits a 3:4 or 4:3 frame; a panorama (3 to 8) shows a place, not a garment. */
    maxAspect: 4,
  }),
  duplicates: Object.freeze({
    /** Hamming distance (of 64 bits) at or under which two photos are the same picture; the spec's value. Designed
     *  fixtures: re-encodes and resizes land at 0-2, a 5% crop at 2-4, a different photo of the same garment > 10. */
    maxHamming: 5,
    /** Both pHash and aHash must agree: aHash alone confuses two photos of flat garments on the same floor. */
    requireBoth: true,
    /** Mean ΔE (CIELAB) over 8x8 colour grids: a photo shifted in colour as a whole is another photo. Re-encodes
     *  and resizes of one photo sit at 0.5-0.8 (madison-near-duplicates, pairs within the hash limits), the
     *  designed 1% crop and recompression at 1.0-1.1 (fixtures). Studio shots of the same pose in another colour
     *  share their greyscale hashes (madison-multiview: pHash 0-4) and mostly sit at ΔE 3.8-8.3, but not all:
     *  msj006t / msj006c-royal-blue is at 1.8 (backdrop and trousers unchanged), hence the per-cell limit. */
    maxColorDelta: 2.5,
    /** Largest ΔE of any one of the 64 cells. A re-encode moves every cell a little (largest cell 1.7-2.2 on
     *  madison-near-duplicates, 3.7 for the designed 1% crop); another colourway moves the garment's cells a lot
     *  (msj006 charcoal vs royal blue: 12.7, with 4 cells over 10; every other colourway pair within the hash
     *  limits: 16.8-78). ΔE 10 is a colour difference anyone sees. Measured on every pair of photos of the five
     *  sets in ../shared/photos within the hash limits: the one picture a store used for two products (mpd012t /
     *  msj000t) 1.4, a second frame of one outfit (pwt005t / wpd000t) 7.1: both stay duplicates, the same picture
     *  to a buyer; nothing else under 12.7. */
    maxCellColorDelta: 10,
    /** Two photos in the same pose (hashes within maxHamming) with at least this many cells, and fewer than half,
     *  changed by more than maxCellColorDelta show two garments: a part of the picture changed colour, which one
     *  garment cannot do (src/grouping/duplicates.ts comparePhotos; the grouping never joins them). A part, not
     *  a speck: one cell (1/64 of the frame) is what a hand, a tag or a reflection can change between two shots
     *  of one garment; the colourways measured change 4-14 cells (madison-multiview msj006, wbk012). On the four
     *  grouping sets of ../shared/photos the test finds 15 pairs (madison-multiview 12, hm-colour-dev 3), every
     *  one of two different garments. */
    colorwayMinCells: 2,
    /** A pair that is not the same picture as shown is compared turned, by the limits above (a copy that lost its
     *  EXIF orientation tag shows the photo sideways or upside down). A quarter turn swaps the shown width and
     *  height, a half turn keeps them, and a copy (re-encoded, resized) keeps the photo's proportions: the turn is
     *  tried only when the proportions say so, within this difference (the log of the two aspect ratios' quotient).
     *  0.02 (2%) covers a pixel's rounding at any size (madison-near-duplicates' copies: 144x216 and 600x900 0%,
     *  849x565 and 2716x1810 0.1%) and a 1% crop of one side. A safeguard by construction, not a measured gain:
     *  it keeps a quarter turn from being tried between two portrait photos (most of a seller's batch), yet on the
     *  labelled sets no pair of two photos comes within the hash limits turned, with it or without it (`npm run
     *  eval -- --turned`: the closest, a half turn on deepfashion-dev, differs by 6 bits). */
    turnedAspectTolerance: 0.02,
  }),
  resaved: Object.freeze({
    // A photo saved again under its own name with other bytes (src/ingest/resaved.ts) that the duplicate test
    // above does not call the same picture: is it the same photo edited in a photo app (light, colour, a small
    // crop or straighten), or another picture under a reused name? Measured with `npm run bench:resaved` on
    // madison-multiview, deepfashion-dev and clothing-home: 17 edits of every photo (light, contrast, white
    // balance, crops of 3-10% a side, straightening, a preset), and about 400,000 pairs per set of two garments'
    // photos (as shot and edited) and every pair of two views of one garment. At these values 91.1%, 89.1% and
    // 86.0% of the edited photos are known as the same photo (the duplicate test alone: 16.6%, 20.5%, 16.8%), and
    // 12 of 355,000 edited pairs of two garments' photos on madison-multiview (0 on the others) are taken for an
    // edit. maxStructure 0.15 adds 5 views of one garment on deepfashion-dev and 2 garment pairs; 0.12 loses 1-4
    // points of edits everywhere. Missed edits fall back to new photos, as before.
    /** Smallest share of each side an edit's crop may keep. */
    minKept: 0.78,
    /** Saturation change allowed for the whole photo (factor on chroma). */
    saturation: Object.freeze([0.75, 1.33]) as readonly [number, number],
    /** Cells this light (L) in the edited photo carry no colour to compare (a highlight brightened to white). */
    whiteL: 92,
    /** Largest share of the edited photo's light-and-dark pattern left unexplained (src/imaging/edits.ts). */
    maxStructure: 0.14,
    /** ...or, for a fine pattern (stripes a few cells apart, whose moiré a crop moves), the largest share left
     *  unexplained once both photos are smoothed, when the unsmoothed share is at most maxPatternStructure. */
    maxSmoothStructure: 0.06,
    maxPatternStructure: 0.5,
    /** Largest colour change (ΔE) of the 8th most changed of 256 cells, after white balance and saturation. */
    maxColour: 6,
  }),
  grouping: Object.freeze({
    /** auto: the sequence method when the order carries signal (two modes in the consecutive distances or in
     *  the capture gaps), an order-free grouping otherwise. dbscan and agglomerative are the fixed-threshold
     *  methods (opt-in: --grouping dbscan), kept for the spec's BULK_CLUSTER_EPS. */
    method: "auto" as GroupingMethod,
    /** Spec's BULK_CLUSTER_EPS: cosine distance radius, only for --grouping dbscan. */
    eps: 0.24,
    /** Spec's BULK_MIN_SAMPLES: a DBSCAN core point needs this many neighbours (itself included). */
    minSamples: 2,
    /** Average-linkage cut (cosine distance), only for --grouping agglomerative (fixed; auto sets its own). */
    linkageCut: 0.04,
    /** Share of the garment-colour distance in the combined distance; the rest is the embedder's appearance.
     *  Both are divided by their batch median first, so this is a pure weight. Garment colour is the cue that
     *  survives a flat shot vs a worn one; appearance separates two garments of one colour. Chosen with
     *  `npm run eval -- --sweep` for the worst set (bench/eval.ts prints the grid). */
    colorWeight: 0.7,
    /** The cut is where a consecutive pair is as likely one garment as two (the "same garment" mode fitted
     *  against the batch's own pairs, on ranks: src/grouping/evidence.ts fitAgainstNull) times this. 1: no lean.
     *  With the batch's size prior (sizePriorWeight) the split can lean towards joining: a flat shot or a detail
     *  that looks unlike the worn shots joins them, and the prior, not the cut, stops a run from swallowing the
     *  next garment. So the lean applies only where the prior does (a first split of 20 articles or more); a
     *  smaller batch is split at its 50/50 point (`npm run eval -- --small-ordered`: with the lean there too,
     *  madison-multiview windows of 5-20 garments lost 2.5-4.7 points). Chosen with sequenceSingletonPenalty (and colorWeight) on the grid of `npm run eval --
     *  --sweep` (shooting order, sizePriorWeight 0.4), madison-multiview / deepfashion-dev exact: 1 with a lone
     *  photo at 0.5 (as before the prior) 88.5% / 87.5%; 1.15: 88.5% / 90.6%; 1.3: 89.7% / 91.3% (and the same
     *  at colorWeight 0.7-1 and sequenceSingletonPenalty 0-0.25: the grid's best worst set but one); 1.5: 85.1%
     *  / 91.3%. The one better point (colorWeight 0.5, 90.8% / 90.0%) sits next to 83.9-86.2% and leaves the
     *  shuffled madison-multiview all single photos (colorWeight is shared with the order-free path). One-photo
     *  sets stay 100% alone over the grid at colorWeight 0.5-0.85; at 1 (garment colour alone) hm-colour-dev,
     *  whose colourways of one style sit together, is joined in most cells (kept alone down to 13%). Held out
     *  (chosen on one multi-photo set, read on the other, over cutScale 1-1.5 x sequenceSingletonPenalty 0-0.5 x
     *  sizePriorWeight 0-0.6): madison-multiview 82.8-88.5%, deepfashion-dev 86.9-90.6%. Since colourways in one
     *  pose are kept apart (comparePhotos, 2026-11-27) the same grid gives these defaults madison-multiview 93.2% /
     *  deepfashion-dev 91.3%: still the best worst set (with 7 other points; colorWeight 0.5 now 88.6-95.5% /
     *  83.1-90.6%), and held out (chosen on the three other sets) madison-multiview 89.8%, deepfashion-dev 90.0%. */
    cutScale: 1.3,
    /** Order-free grouping: a photo left alone joins its closest article under the cut times (1 + this), the
     *  size prior of that path (sellers shoot each garment 3-6 times, a flat shot or a close-up is the usual
     *  loner); see freeCut for its figures. Also the sequence split's one-photo cost (a share of the cut) in a
     *  batch too small for the size prior, as it was for every batch before the prior (chosen then on the sweep:
     *  single photos and colourways of one style happen, madison-multiview has 9). */
    singletonPenalty: 0.5,
    /** Sequence split, where the size prior applies (else singletonPenalty): cost of a one-photo article, as a
     *  share of the cut, on top of the size prior's own price for it. Single photos and colourways of one style happen (madison-multiview has 9); with the cut leaning
     *  towards joining (cutScale) a lone photo must stay cheap: at cutScale 1.3, 0-0.25 all give 89.7% / 91.3%,
     *  0.5 85.1% / 91.9%. 0.1: the middle of that range. */
    sequenceSingletonPenalty: 0.1,
    /** Sequence split: each article also costs this many cuts per nat of the batch's own size prior (how unlikely
     *  its length is among this batch's article lengths, read off a first split without the prior, in batches of
     *  20 articles or more: src/grouping/cluster.ts sizePrior). Measured with `npm run eval` (shooting order,
     *  madison-multiview / deepfashion-dev exact, with cutScale 1.3 and sequenceSingletonPenalty 0.1): 0 (no
     *  prior) 80.5% / 88.1%; 0.2 and 0.3 87.4% / 90.6%; 0.4 89.7% / 91.3%; 0.5 88.5% / 91.3%; 0.6 88.5% / 90.0%. */
    sizePriorWeight: 0.4,
    /** Longest run of photos one article may have (the spec: 3-6 photos; Vinted takes 20 at most). */
    sequenceMaxRun: 20,
    /** Capture times order the batch and count as evidence when at least this share of its photos has one: a
     *  forwarded copy or a screenshot without EXIF among a phone's photos no longer switches them off for all
     *  (audit-phone #5: one such photo, and a garment shot across the camera counter's rollover, IMG_9999 then
     *  IMG_0001, was split by name). A photo without a time follows the photo named before it; its gaps are
     *  unknown (no pull, no pause). 0.9: a few strays in a phone's batch, not a folder of mixed sources. */
    timesMinShare: 0.9,
    /** Several shoots in one batch (src/grouping/shoots.ts): a new shoot starts where the consecutive distances
     *  before and after differ by at least this scaled Kolmogorov-Smirnov statistic; each shoot is then grouped on
     *  its own (its own method, cut and size prior). Measured with `npm run eval -- --mixed`: 2.6 at most inside
     *  any labelled set alone, 5.9-12.3 where a set of one-photo garments meets a multi-photo one; 4 sits between
     *  with a margin on both sides. 0: never split. */
    shootEvidence: 4,
    /** ...and a shoot holds at least this many photos (a shorter run shows no distribution of its own). */
    shootMinPhotos: 30,
    /** Ashman's D over which two modes count as real: 2 is the usual criterion for a clean two-normal split. */
    bimodality: 2,
    /** ...and a real valley between them: the fitted density at the boundary at most half the lower peak.
     *  Two normals also fit a flat spread (D ~ 3.5, dip ~ 0.6: one photo per garment, gaps all "between");
     *  a seller's batch shows dips of 0.1-0.3 (bench/eval.ts prints them). */
    maxDip: 0.5,
    /** The order carries signal when consecutive photos sit this many standard deviations closer than a random
     *  order of the same photos would put them (and their distances show two modes, Ashman's D >= bimodality).
     *  The score (src/grouping/evidence.ts orderScore) sums the consecutive pairs' normal scores against their
     *  exact mean and variance under a random order, so 3 means about the same false alarm (p ~ 1e-3) at 12
     *  photos as at 600: `npm run eval -- --small-ordered` reads 20 random orders of every window of the four
     *  sets as ordered 9 times in 6060 (5 on one-photo windows). The old test (closest-quarter count, 4 sd) never
     *  did, but no clean 12-photo batch of 3 garments could pass it either (even a random order that happens to
     *  keep 3 garments in runs has p ~ 2e-4). Madison-multiview windows of 5 / 10 garments (same command): old
     *  test 35.9% / 61.8%; this score at 4: 35.9% / 65.6%, 3.5: 45.3% / 65.6%, 3: 60.6% / 76.8%, 2.5: 72.4% /
     *  76.8%; deepfashion-dev 84.4% / 89.4% at each; `npm run eval` unchanged. Windows of the one-photo sets in
     *  order (clothing-home, hm-colour-dev, 6-50 photos) score at most 2.7 (hm-colour-dev's whole set 4.5: its
     *  colourways of one style sit together, which the two-mode test keeps out); 3 leaves a margin over them,
     *  2.5 does not (it joined one hm-colour-dev window and read 35 of 6060 random orders as ordered), and a
     *  false join costs a seller more than a split. */
    orderExcess: 3,
    /** How hard capture time pulls, in cuts: a clear burst (or pause) outweighs appearance up to three times
     *  the cut, because a phone's clock is sharper evidence than a colour histogram. With simulated capture
     *  times (bench/eval.ts) 2 left deepfashion-dev at 95.6%, 3 gives 98.1%, 4 99.4%; 3 leaves appearance a say. */
    timeWeight: 3,
    /** A pause this long (seconds) always starts a new article, whatever the batch's usual gaps. */
    timeGapSeconds: 600,
    /** Order-free grouping (shuffled names, no capture times): each photo's neighbourhood scale is its distance
     *  to its 5th nearest photo, distances read by rank only (any embedder, any monotone change). 5: sellers shoot
     *  3-6 photos a garment, so the 5th neighbour usually lies outside the photo's own article. Measured with
     *  `npm run eval` (shuffled rows, features-v1 model-free): 5 beat 4, 6 and 7 on the worst multi-photo set. */
    freeNeighbours: 5,
    /** Order-free: photos join (average linkage) while under half their neighbourhood's scale. Shuffled, the
     *  worst multi-photo set's exact articles rise with the cut and its wrong joins too: 0.3 gave deepfashion-dev
     *  22.5% / madison-multiview 36.8% exact with 1.5% / 9.3% of photos merged into another garment, 0.4 25.6% /
     *  36.8% (2.6% / 12.2%), 0.5 27.5% / 39.1% (3.5% / 14.1%), 0.8 34% / 36% (8% / 24%). 0.5 is the last step
     *  that helps both sets and the first under which under half the articles are single photos. A photo left
     *  alone then joins its closest article under the cut plus singletonPenalty (the size prior; a flat shot or
     *  close-up is the usual loner): 31.9% / 38.6% exact, 5.1% / 17.6% merged (bench/eval.ts, shuffled rows);
     *  with colourways in one pose apart, 31.9% / 39.8%, 5.1% / 17.0%. */
    freeCut: 0.5,
    /** Order-free: a photo has a clear partner when its nearest photo sits under a tenth of its neighbourhood's
     *  scale... */
    freeClose: 0.1,
    /** ...and photos are joined at all only when at least 30% of the batch has one. With 3-6 photos per garment
     *  most photos would; in a batch of different garments only chance look-alikes do. Measured (whole sets):
     *  clothing-home 13%, hm-colour-dev 12% (every photo a different garment) vs deepfashion-dev 48%,
     *  madison-multiview 40%; in random sub-batches of 120 photos 8-23% vs 36-50%. The share must clear 30% by
     *  two binomial standard deviations (a noisy count in a small batch). `npm run eval -- --small`: of 60 small
     *  shuffled batches (30-120 photos) of the one-photo sets none was joined; the multi-photo sets' batches were
     *  joined 0-2 times in 10 at 30 photos, 4-8 at 60-120 (a small shuffled batch is often left one per photo). */
    freeShare: 0.3,
    /** Order-free: the nearest distances' two modes are reported when the density in the valley is at most a
     *  tenth of the lower peak and the low mode holds a third of the distances. No longer a reason to join: in
     *  batches of 6-20 photos it fired on 22 of 180 ordered windows of clothing-home and hm-colour-dev (every
     *  photo a different garment; `npm run eval -- --small-ordered`) as readily as on multi-photo ones. Kept so
     *  that a config file naming it still loads. */
    freeValley: 0.1,
  }),
  color: Object.freeze({
    /** k for k-means in Lab; 3-5 per the spec. 4 separates garment, floor, shadow and one accent. */
    clusters: 4,
    /** Pixels sampled per photo for k-means: 48x48 is plenty for a dominant colour and keeps k-means ~1 ms. */
    sampleSize: 48,
    /** Lab distance under which a pixel is "like the border" (background: floor, bed, studio wall). */
    backgroundDeltaE: 14,
    // How a photographed colour is put on the xkcd survey's scale before the survey's colours name it
    // (src/imaging/color.ts). Measured with bench/colour-dev.ts on hm-colour-dev (360 packshots, per photo) and
    // madison-multiview (87 worn garments, per garment, true grouping), chosen for the worse of the two; with
    // these values 69.4% and 69.0% (the code before: 58.9% and 58.6%); with the CIE whiteness rule added
    // (src/imaging/color.ts isCommercialWhite) 71.4% and 70.1%; with pale peach named beige 71.4% and 73.6%;
    // with the salience weight below 73.1% and 77.0%; with white anchored to the backdrop (backdropWhiteMargin)
    // 74.2% and 77.0%. Changing one recomputes cached colours.
    /** The survey named colours on screens (black L 0, white L 100); a photographed black fabric sits at about
     *  L 12 (hm-colour-dev's black garments: median L 11). */
    photoBlackL: 12,
    /** ...and a photographed white garment at about L 92 (hm-colour-dev's whites: median L 91); 88: 68.6% / 69.0%. */
    photoWhiteL: 92,
    /** A dull fabric (Lab chroma 10) looks like a screen patch about 2.5x as saturated (1: 40.3% /
     *  41.4%; 3: 66.9% / 66.7%). */
    chromaGain: 2.5,
    /** ...and a vivid one less so: chroma is stretched as C^0.8, so a vivid orange (C 95) is not stretched past
     *  the survey's reds (linear, 1: 66.7% / 65.5%; 0.7: 69.2% / 67.8%; 0.5: 66.4% / 64.4%). */
    chromaExponent: 0.8,
    /** Photographed hues sit nearer red than the survey's names for them (beige came out orange, brown red,
     *  yellow orange, lilac pink, light blue lilac): hues are spread away from hueCentre by up to this many
     *  degrees (hueSpread × sin of the distance), on the warm side (red → yellow → green). 0: 63.6% / 66.7%;
     *  15: 69.4% / 67.8%. */
    hueSpread: 12,
    /** ...and on the cool side (red → purple → blue) by half as much: CIELAB puts a vivid purple within a few
     *  degrees of blue, and 12 named the survey's own "purple" (#7e1e9c) blue. 12: 69.4% /
     *  69.0%; 6: 69.7% / 69.0%; 3: 69.7% / 69.0%; 0: 69.7% / 67.8% (lilacs turn pink). */
    hueSpreadCool: 6,
    /** Red-pink, the hue photographed colours bunch around (hm-colour-dev: red and pink both median 21
     *  degrees); -10: 68.9% / 67.8%, 20: 68.6% / 69.0%. */
    hueCentre: 10,
    /** Lightness counts half against hue: a garment's shading moves L more than its colour (1: 69.7% / 66.7%). */
    lightnessWeight: 0.5,
    /** How many of the nearest survey colours vote on a name (3: 68.1% / 67.8%; 7: 69.4% / 66.7%). */
    neighbours: 5,
    /** A colour cluster weighs (1 + chroma / this) times its pixels (skin tones excepted): a worn product is
     *  styled with neutral basics, so the coloured piece is the one for sale. 20: a clearly coloured fabric
     *  (hm-colour-dev's pastels read chroma 10-25) counts about twice a neutral one. Measured with eval:colour
     *  (hm-colour-dev per photo / madison-multiview per garment): none 71.4% / 73.6%; 40: 72.5% / 78.2%;
     *  20: 73.1% / 77.0%; 10: 72.8% / 75.9%; 20 is best for the worse set (hm). Without the skin exception
     *  (20) 72.2% / 77.0%, and worn full-length shots came out orange. */
    salienceChroma: 20,
    /** White is anchored to the photo's backdrop (src/imaging/color.ts anchoredNaming): on a light neutral backdrop
     *  darker than photoWhiteL, white sits at the backdrop's L plus this. H&M shoots some whites on grey paper
     *  (backdrop L 70-85) where a white shirt reads L 82-85 with b -7..-13, lighter than its backdrop, and the
     *  survey named it blue. Measured with eval:colour (hm-colour-dev per photo / madison-multiview per garment,
     *  true grouping): without 73.1% / 77.0%; -4 and -2: 73.9% / 77.0%; 0, 2 and 4: 74.2% / 77.0% (the same 4 white
     *  garments named white, no other photo of either set changes name); 6: 73.3% / 77.0%. */
    backdropWhiteMargin: 2,
    /** With a CLIP model, its colour prompts vote on each article's colour (src/imaging/color.ts articleColor):
     *  the photos' colour shares are multiplied by the model's probabilities raised to this power. 1 trusts the
     *  two opinions equally (a product of independent experts); 0 turns the vote off. Not a measurement: no real
     *  CLIP weights exist on the build machines; the model-free figures above do not depend on it. */
    modelVoteWeight: 1,
    /** ...and only a colour holding at least this share of the photos' vote can win: the model chooses between
     *  the colours the photos show (the shirt or the trousers of a worn outfit, brown or orange), never one
     *  they hardly show. Measured on the model-free colour shares (bench/colour-dev.ts data): a colour
     *  name that did not win holds a median 0.05 (madison-multiview articles) and 0.03 (hm-colour-dev)
     *  of the vote: shading, trim, the backdrop. With 0.15 the labelled colour can still win in 73 of 87
     *  madison-multiview articles and 278 of 360 hm-colour-dev photos: the most a perfect model could reach. */
    modelVoteMinShare: 0.15,
  }),
  plan: Object.freeze({
    /** The spec's DEFAULT_PRICE (euros): a fair starting price for a second-hand garment; per-category rules override it. */
    defaultPrice: 20,
    /** The spec's PRICE_RULES_JSON: price per category id, e.g. {"hoodie": 25, "t-shirt": 10}. */
    prices: Object.freeze({}) as Readonly<Record<string, number>>,
    /** "bon" (good): what most second-hand garments are; the seller raises it per item. */
    condition: "bon" as Condition,
    /** Unknown until the seller says: Vinted's form has a "no brand" choice. */
    brand: "Unknown",
    /** The department (gender) is part of Vinted's category path; unknown means needs_review, never a guess. */
    gender: null as Department | null,
    lang: "fr" as Language,
    /** CLIP's women's/men's zero-shot score (softmax of two) under which the department is not trusted and the
     *  item needs review. No real CLIP weights exist on the build machines, so this is not a measurement: 0.8 asks
     *  for a clear 4-to-1 preference; lower it after measuring with a real model. */
    departmentMinScore: 0.8,
  }),
  execute: Object.freeze({
    /** The spec's hard ceiling: at most 5 publishes in any 60 seconds. Config may lower it, never raise it. A
     *  publish with 5 photos is ~6 writes, so the write budget below is what really paces a run (vinted.md). */
    publishesPerMinute: 5,
    /** Random gap before each write [min, max] ms: StoFlow waits 20-50 s between writes (vinted.md, Pacing). */
    writeSpacingMs: Object.freeze([20_000, 50_000]) as readonly [number, number],
    /** Writes (each photo upload, each draft create/update, each completion) in any 60 minutes. The French
     *  extension guide caps at 20/h, StoFlow saw ~50/h tolerated: 24 sits near the cautious end. */
    writesPerHour: 24,
    /** Writes in any 24 hours: users report suspensions for bursts; a few hundred at most (Bumpline: 15 relists). */
    dailyWrites: 200,
    /** First pause of every write after a challenge/403 (Bumpline: 30 min, doubling per refusal that day). */
    challengePauseMinutes: 30,
    /** Longest pause and longest Retry-After honoured (Bumpline caps at 6 h); longer asks are capped and shown. */
    maxPauseMinutes: 360,
    /** Pause of every write after a 429 when Retry-After asks less (Bumpline: 15 min). */
    rateLimitPauseMinutes: 15,
    /** Longest wait inside a run for the hourly budget; a longer one (the daily cap) ends the run instead. */
    maxWaitMinutes: 60,
    /** Longest a page load or one in-page request may take. */
    timeoutMs: 30_000,
    /** Longest the browser may take to start (Playwright's own default is 3 minutes). Debian's Chromium starts in
     *  ~0.3 s on the 2-core build machine (src/vinted/browser.ts, timed with node); a cold Chrome on a slow laptop
     *  takes seconds. A minute is generous and still ends a cron run that would otherwise wait on a stuck start. */
    launchTimeoutMs: 60_000,
    /** Longest each cleanup step (saving the browser state, closing the browser) may take before the browser's
     *  processes are killed. A healthy Chromium closes in ~0.1 s here; one whose pipes a leftover child holds took
     *  30 s in Playwright, and one that died or froze can make Playwright wait forever (a CI run: `vbulk doctor`
     *  idle 8 minutes). 10 s leaves a loaded machine plenty and keeps a cron run from hanging. */
    closeTimeoutMs: 10_000,
    /** How much longer than timeoutMs vbulk waits for the tab itself to answer a call. The page's own request
     *  stops at timeoutMs (an AbortController in the page); a frozen tab answers nothing and Playwright's evaluate
     *  would wait for ever. 10 s covers a loaded machine's slow tab; the call then fails as a timeout would. */
    tabGraceMs: 10_000,
    /** How long a page that landed on /session-refresh gets to move on by itself before the session counts as
     *  gone. Vinted bounces a tab's first visit through that page, which renews the cookies by script and moves on;
     *  a working relister waits 8 s before calling it stuck (idx:70875745750 `SESSION_REFRESH_WAIT_MS = 8_000`). */
    sessionRefreshWaitMs: 8_000,
    /** During `vbulk login`, vbulk watches the browser's cookies (no request) and asks Vinted who is logged in once
     *  the session cookie appears. This slow recheck (one request a minute, 10 in the 10-minute login) is only for a
     *  login whose cookie is named otherwise; the old loop asked every second (idx:69052908732 saw 429 at under one
     *  fetch per second). */
    loginRecheckMs: 60_000,
    /** How often (ms) vbulk checks that the browser's process still runs: when it dies, Playwright may never
     *  notice (its pipes held open by a leftover child), and every call in flight would wait forever. */
    browserCheckMs: 1000,
    /** How often (ms) vbulk looks, while the browser starts, whether its process still runs: Debian's Chromium starts
     *  in ~0.3 s here, so a browser that crashes during its start is seen before Playwright's launch would have
     *  waited launchTimeoutMs on pipes a helper holds. Reading /proc every 0.1 s for a start costs next to nothing. */
    launchCheckMs: 100,
    /** Headed by default: no public tool shows headless Chromium working on Vinted (vinted.md, idx:69038895870). */
    headless: false,
    /** Random gap [min, max] ms between two pages of a list read (the drafts list): Bumpline waits 0.9-2.4 s
     *  between calls (vinted.md, Pacing). Reads are not writes: they never count against the write budget. */
    readSpacingMs: Object.freeze([900, 2400]) as readonly [number, number],
    /** Most pages of the drafts list (96 drafts a page) read to find a draft a crash left unrecorded. 10 pages =
     *  960 drafts: about a month of drafts at the daily write budget (200 writes, ~33 five-photo drafts a day), in
     *  ~15 s of spaced reads. A longer list makes the article needs_manual: never a blind second draft, never
     *  dozens of reads in one run. */
    draftListPages: 10,
    /** Most drafts titled like a lost one whose owner view vbulk reads (readSpacingMs apart) to find the one
     *  holding the article's photos. Generated titles repeat (every black M hoodie): 10 is ~20 s of reads; more
     *  look-alikes make the article needs_manual rather than a long run of reads. */
    adoptReadsMax: 10,
  }),
  ingest: Object.freeze({
    /** How often (ms) the status file is rewritten while an ingest runs; a reader in another terminal polls it. */
    statusIntervalMs: 250,
    /** Articles listed one by one in the terminal summary; above it only those to check (low confidence) are,
     *  with a count of the others: 500 photos printed some 270 lines, the summary scrolled off. */
    listArticlesMax: 40,
    /** A catalog made from another source (another folder, the folder's ZIP) is replaced only when the new source
     *  holds at least this share of its photos (by content): the same photos zipped, moved or renamed go on (README:
     *  `ingest ./photos --out R`, then `ingest ./photos.zip --out R`), while another batch that shares a photo or
     *  two is refused instead of taking over the first batch's article ids, plan and drafts. Half: a batch that
     *  lost half its photos since (sold, deleted) is still that batch. */
    /** A batch this share of whose photos (at least 10) are portrait has its landscape photos named in a note:
     *  a copy forwarded without its orientation tag shows a garment on its side, and Vinted would show it so
     *  (phone-export audit: 30 of 150 WhatsApp copies). Garments are shot upright; a flat lay may be landscape,
     *  so it is a note, nothing is turned. */
    portraitBatchShare: 0.8,
    /** A PNG without a capture time whose long side is this many times its short one is taken for a phone's
     *  screenshot (phone screens are 19.5:9 = 2.17, older ones 16:9 = 1.78; a photo is 4:3 or 3:2 = 1.5). */
    screenshotMinAspect: 1.75,
    sameSourceMinShare: 0.5,
  }),
  review: Object.freeze({
    /** Longest side of a thumbnail (px): a card shows them at ~120 px, 320 stays sharp on a 2x screen. */
    thumbSize: 320,
    /** WebP quality of thumbnails: ~10-20 KB each, so 500 photos are ~8 MB in .vbulk/thumbs. */
    thumbQuality: 70,
    /** Longest side of the large view a click opens: a laptop screen's height at 2x, and far less than a 48 MP photo. */
    largeSize: 1600,
    /** sharp jobs at once: 2 cores; more would starve the server's own requests while 500 thumbnails are made. */
    thumbConcurrency: 2,
    /** How often (ms) the page asks for the status of a running ingest or execute. */
    pollMs: 1000,
    /** How long (ms) an ingest starting waits for a grouping decision of the page to end: a decision holds the
     *  folder's ingest lock only while it rewrites catalog.json (milliseconds); past this, something is stuck and
     *  the ingest stops saying so rather than wait for ever. */
    decisionWaitMs: 10_000,
  }),
  files: Object.freeze({
    /** Largest settings file vbulk reads whole (--labels, --config, --rules, --mapping), in bytes. The default
     *  label set is 13 KB for 37 labels and a 2,000-label file ~0.7 MB; 8 MiB is ten times more. A link to
     *  /dev/zero or a 500 MB file grew memory for ever or ended as "unexpected error" (audit-clip item 7). */
    maxSettingsBytes: 8 * 1024 * 1024,
    /** How long (ms) a rename that Windows refuses (EPERM/EACCES/EBUSY) is tried again: Defender scans a file when it
     *  is closed, and the Search indexer and OneDrive open files in Pictures, Desktop and Documents; while one of
     *  them holds the temp file or its target without FILE_SHARE_DELETE, MoveFileEx fails (isaacs/node-graceful-fs#119).
     *  graceful-fs waits up to 60 s (isaacs/node-graceful-fs#100) for unattended installs; here a seller waits at the
     *  terminal or on the review page's save, and a folder that is really forbidden (EPERM too) is only said after
     *  this bound, so 10 s: many times the moment a scan or a sync holds a just-written file. Other systems do not
     *  retry (their EPERM is a real permission error). */
    renameRetryMs: 10_000,
    /** How long (ms) a lock file met empty or half written is taken for its holder's, being written, before it is
     *  taken for a writer killed while writing it. On a volume without hard links (an SD card, a USB stick) a lock
     *  is created empty, then written and synced: ~200 bytes, milliseconds even on a slow card. */
    lockWriteMs: 5_000,
  }),
  templates: Object.freeze({
    // Listing templates are files sellers share, so what one may do is counted, never timed: a template passes or
    // fails the same on any machine and under any load (LiquidJS's wall-clock renderLimit did not), and what a
    // template can cost is known. A 500-article plan is 1000 renders; `npm run bench:templates` renders templates
    // that stay just under these limits on every article: at most 1.0 s of CPU for the whole plan (3.6-3.9 s
    // wall-clock on the shared 2-core machine at load average 14-16); the default templates 0.1 s. Before these
    // limits five nested loops took ~5 min and a 150-byte template crashed node at 1.3 GB (audit item 8).
    /** Longest template file, in characters (LiquidJS parseLimit; parsed once a plan): room for many {% if %}
     *  branches around a 2000-character description. */
    maxTemplateChars: 100_000,
    /** Longest text a render may build: its output, each {% capture %} and each filter's result. Titles are cut to
     *  100 characters and descriptions to 2000 afterwards (Vinted's limits); five times the longer one is room. */
    maxTextChars: 10_000,
    /** Characters a render may write (outputs, captures) and pass through filters, all counted together (LiquidJS
     *  memoryLimit plus what it does not count). The default description uses ~120; 20 000 holds a 2000-character
     *  description filtered several times; the costliest 20 000 (split | sort_natural | join) take ~1 ms of CPU. */
    maxRenderChars: 20_000,
    /** Tags, outputs and loop turns a render may take (in place of LiquidJS's renderLimit in ms). The default
     *  templates take 7-11; the variables are single values, so a listing has nothing to loop over for long. An
     *  empty loop of 2000 turns takes ~1 ms of CPU. */
    maxRenderSteps: 2_000,
  }),
});

export type Defaults = typeof DEFAULTS;
