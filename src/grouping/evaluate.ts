/** Scores of a grouping against ground truth (imagededup-style evaluation). */
export interface GroupingScore {
  articles: number;
  /** Share of true articles whose photos form exactly one predicted article, nothing else in it. */
  exactRecovery: number;
  pairwisePrecision: number;
  pairwiseRecall: number;
  predictedArticles: number;
}

/**
 * Compares predicted article labels with true ones, per file. Files missing from `predicted` count as
 * singletons (a photo that failed is a photo not grouped).
 */
export function scoreGrouping(truth: Map<string, string>, predicted: Map<string, string>): GroupingScore {
  const files = [...truth.keys()];
  const pred = (f: string) => predicted.get(f) ?? `missing:${f}`;
  const trueGroups = groupBy(files, (f) => truth.get(f)!);
  const predGroups = groupBy(files, pred);
  let exact = 0;
  for (const members of trueGroups.values()) {
    const p = pred(members[0]!);
    if (members.every((f) => pred(f) === p) && predGroups.get(p)!.length === members.length) exact++;
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < files.length; i++)
    for (let j = i + 1; j < files.length; j++) {
      const sameTrue = truth.get(files[i]!) === truth.get(files[j]!);
      const samePred = pred(files[i]!) === pred(files[j]!);
      if (sameTrue && samePred) tp++;
      else if (samePred) fp++;
      else if (sameTrue) fn++;
    }
  return {
    articles: trueGroups.size,
    exactRecovery: trueGroups.size ? exact / trueGroups.size : 1,
    pairwisePrecision: tp + fp ? tp / (tp + fp) : 1,
    pairwiseRecall: tp + fn ? tp / (tp + fn) : 1,
    predictedArticles: predGroups.size,
  };
}

export interface DuplicateScore {
  precision: number;
  recall: number;
  truePairs: number;
  predictedPairs: number;
}

/** Pairwise precision/recall of "same picture" calls: predicted groups (keeper + its duplicates) vs true groups. */
export function scoreDuplicates(
  truth: Map<string, string>,
  predictedGroup: Map<string, string>,
): DuplicateScore {
  const files = [...truth.keys()];
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < files.length; i++)
    for (let j = i + 1; j < files.length; j++) {
      const t = truth.get(files[i]!) === truth.get(files[j]!);
      const a = predictedGroup.get(files[i]!);
      const p = a !== undefined && a === predictedGroup.get(files[j]!);
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
  return {
    precision: tp + fp ? tp / (tp + fp) : 1,
    recall: tp + fn ? tp / (tp + fn) : 1,
    truePairs: tp + fn,
    predictedPairs: tp + fp,
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    m.set(k, [...(m.get(k) ?? []), it]);
  }
  return m;
}
