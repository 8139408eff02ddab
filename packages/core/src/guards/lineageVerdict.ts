export interface LineageLike {
  chain: readonly string[];
  depth: number;
}

export type LineageVerdict = { start: true } | { start: false; reason: string };

/**
 * Whether an event caused by automations may start `flowId`. A flow that already appears in
 * the chain through another flow (A → B → A) is a cycle; a chain deeper than the limit is cut.
 * A flow re-triggered directly by its own writes (A → A) is not judged here: that is the
 * feedback loop the hot-flow checks catch and disable. Depth counts the hops between different
 * flows for the same reason.
 */
export function lineageVerdict(flowId: string, lineage: LineageLike | undefined, maxDepth: number): LineageVerdict {
  if (!lineage) return { start: true };
  const hops = collapseRepeats(lineage.chain);
  const last = hops[hops.length - 1];
  if (last !== flowId && hops.includes(flowId)) {
    return { start: false, reason: `loop: flow ${flowId} already ran in this chain (${[...hops, flowId].join(' → ')})` };
  }
  const depth = last === flowId ? hops.length : hops.length + 1;
  if (depth > maxDepth) {
    return { start: false, reason: `chain too deep: ${depth} flows in a row exceed the limit of ${maxDepth}` };
  }
  return { start: true };
}

function collapseRepeats(chain: readonly string[]): string[] {
  return chain.filter((id, i) => i === 0 || chain[i - 1] !== id);
}
