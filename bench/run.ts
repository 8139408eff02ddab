/** `pnpm bench <name>`: runs one benchmark (or all) and writes its section of docs/performance.md. */
const benches: Record<string, string> = {
  matching: './matching',
  cost: './cost',
  bulk: './bulk',
  timers: './timers',
  e2e: './e2e',
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const selected = name ? [name] : Object.keys(benches);
  for (const n of selected) {
    const path = benches[n];
    if (!path) {
      console.error(`unknown benchmark "${n}"; choose one of: ${Object.keys(benches).join(', ')}`);
      process.exitCode = 2;
      return;
    }
    console.log(`— ${n}`);
    const mod = (await import(path)) as { run: () => Promise<void> };
    await mod.run();
  }
}

void main();
