// The module scripts/build-web.ts generates from shaders/*.wgsl: file name without .wgsl → WGSL text.
declare module 'ser-gpu:shaders' {
  const table: Readonly<Record<string, string>>;
  export default table;
}
