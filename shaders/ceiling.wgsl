// The adapter's ceilings, for the benchmark's "fraction of peak" column (src/bench/kernels/ceiling-cases.ts).
//   fma_peak: out[i] = the sum over CHAINS vec4 chains of acc <- fma(acc, m, c), run `iterations` times,
//         chain j starting from x0[i] + j. FMA-bound: 8 FLOPs per chain step per vec4 and no memory
//         traffic in the loop; CHAINS independent chains hide the FMA latency. m and c come from uniforms,
//         so the compiler cannot fold the loop; it runs four steps per trip.
//   copy: out[i] = x0[i] over vec4s: the copy bandwidth (every byte read once and written once).
//   read_sum: out[i] = the sum of x0[i + k n] over k < iterations: the read bandwidth (a reduction's, whose
//         writes are negligible; CPUs write-allocate, so copies reach less than reads).
// Layouts: x0 and out [n] vec4<f32>, i.e. flat f32 [4n]; read_sum: x0 [iterations n] vec4<f32>. Test: test/bench/ceiling.test.ts.

struct Params {
  n: u32,          // invocations that compute (fma, read_sum) or vec4s to copy (copy)
  iterations: u32, // fma: loop trips; read_sum: vec4s each invocation sums
  m: f32,
  c: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x0: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

override WG: u32 = 64;
override CHAINS: u32 = 8; // <= MAX_CHAINS
const MAX_CHAINS = 8u;

// Large jobs are dispatched as a 2-D grid (65,535 workgroups per dimension at most).
fn flat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn fma_peak(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.n) { return; }
  let m = vec4f(params.m);
  let c = vec4f(params.c);
  var acc: array<vec4f, MAX_CHAINS>;
  for (var j = 0u; j < CHAINS; j++) {
    acc[j] = x0[i] + f32(j);
  }
  // Four steps per trip: a software adapter pays a masked write of every loop-carried value per trip (lavapipe:
  // one blend per chain), which at one step per trip held the loop to ~2/3 of this rate.
  let unrolled = params.iterations / 4u * 4u;
  for (var k = 0u; k < unrolled; k += 4u) {
    for (var u = 0u; u < 4u; u++) {
      for (var j = 0u; j < CHAINS; j++) { acc[j] = fma(acc[j], m, c); }
    }
  }
  for (var k = unrolled; k < params.iterations; k++) {
    for (var j = 0u; j < CHAINS; j++) { acc[j] = fma(acc[j], m, c); }
  }
  var total = vec4f(0.0);
  for (var j = 0u; j < CHAINS; j++) { total += acc[j]; }
  out[i] = total;
}

@compute @workgroup_size(WG)
fn copy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i < params.n) { out[i] = x0[i]; }
}

@compute @workgroup_size(WG)
fn read_sum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.n) { return; }
  var acc = vec4f(0.0);
  // Neighbouring invocations read neighbouring vec4s on every trip.
  for (var k = 0u; k < params.iterations; k++) { acc += x0[i + k * params.n]; }
  out[i] = acc;
}
