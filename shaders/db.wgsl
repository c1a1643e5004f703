// librosa.power_to_db over a batch of spectrograms S [clips, bands, max_frames] (frames[c] valid frames per clip):
//   out = 10·log10(max(amin, S)) - ref_db, floored at max_db - ref_db - top_db (TOP_DB), where
//   max_db = 10·log10(max(amin, clip_max[c])) from clip_reduce.wgsl (OP 0) and ref_db is the clip's max_db
//   (REF_MAX, librosa's ref=np.max) or 10·log10(max(amin, ref)). Padding frames are written as 0.
// Test: test/features/db.test.ts.

struct Params {
  bands: u32,
  max_frames: u32,
  total: u32,
  amin: f32,
  ref_db: f32,
  top_db: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read> frames: array<u32>;
@group(0) @binding(3) var<storage, read> clip_max: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override WG: u32 = 256u;
override REF_MAX: bool = false;
override TOP_DB: bool = true;

fn db(power: f32) -> f32 {
  return 3.0102999566398120 * log2(max(params.amin, power)); // 10·log10(2) = 3.0103
}

@compute @workgroup_size(WG)
fn to_db(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.total) { return; }
  let c = i / (params.bands * params.max_frames);
  if (i % params.max_frames >= frames[c]) {
    out[i] = 0.0;
    return;
  }
  let max_db = db(clip_max[c]);
  let ref_db = select(params.ref_db, max_db, REF_MAX);
  var v = db(S[i]) - ref_db;
  if (TOP_DB) { v = max(v, max_db - ref_db - params.top_db); }
  out[i] = v;
}
