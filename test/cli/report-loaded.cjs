// Preloaded by test/cli/cli.test.ts: prints, at exit, which native or heavy modules the process loaded.
process.on('exit', () => {
  const heavy = Object.keys(require.cache).filter((p) => /dawn\.node|node_modules\/gpu\.js\//.test(p));
  process.stderr.write(`LOADED:${JSON.stringify(heavy)}\n`);
});
