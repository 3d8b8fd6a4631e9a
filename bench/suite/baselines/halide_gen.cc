// The Halide 14 baseline's pipelines, compiled ahead of time for this machine (the host target)
// into one object each plus one standalone runtime: GEMM, conv2d (3x3 stride 1, 1x1, 7x7 stride
// 2), softmax (exact exp and fast_exp), layer norm and add, with the schedules ANCHORS.md
// describes. Usage: halide_gen OUTDIR. bench/suite/baselines/halide.ts builds and runs it and
// links the objects into a packed-function library through tejit's compile driver.
#include <Halide.h>
#include <cstdio>
#include <string>

using namespace Halide;

static Target target;
static std::string outdir;

static void emit(Func f, const std::vector<Argument>& args, const std::string& name) {
  f.compile_to_object(outdir + "/" + name + ".o", args, name, target.with_feature(Target::NoRuntime));
  std::printf("%s\n", name.c_str());
}

// C = A B: A(k, y) is row y of A, B(x, k), out(x, y). 32x8 panel tile (2 vectors x 8 rows with
// AVX-512, 2 vectors x 4 rows with AVX2) in 256-row blocks, B packed into the panel at the tile.
static void gemm(int vec) {
  ImageParam A(Float(32), 2, "A"), B(Float(32), 2, "B");
  Var x("x"), y("y"), xo("xo"), yo("yo"), xi("xi"), yi("yi"), yii("yii"), xy("xy");
  RDom k(0, A.dim(0).extent(), "k");
  Func Bp("Bp"), prod("prod"), out("out");
  Bp(x, y) = B(x, y);
  prod(x, y) = 0.f;
  prod(x, y) += A(k, y) * Bp(x, k);
  out(x, y) = prod(x, y);
  const int panel = 2 * vec, rows = vec >= 16 ? 8 : 4;
  out.tile(x, y, xo, yo, xi, yi, panel, 256).split(yi, yi, yii, rows).fuse(xo, yo, xy).parallel(xy)
      .vectorize(xi, vec).unroll(xi).unroll(yii);
  prod.compute_at(out, yi).vectorize(x, vec).unroll(x).unroll(y);
  prod.update().reorder(x, y, k).vectorize(x, vec).unroll(x).unroll(y).unroll(k, 2);
  Bp.compute_at(out, xy).vectorize(x, vec);
  emit(out, {A, B}, "hl_gemm");
}

// NCHW conv, batch 1: in(x, y, c, n), w(kx, ky, ci, co), out(x, y, co, n). Tile 8 x by 2 y by 4 co,
// x vectorized, the conv computed at xo with the reduction (ci, ky, kx) outermost and kx unrolled,
// weights repacked so the 4 channels of a tap are adjacent, y blocks parallel. The conv is
// defined over (x, y, channel in the block, block) so the repacked weights' index is exact; the
// input is zero-padded in x and y only.
static void conv(int K, int S, int P, const std::string& name) {
  ImageParam in(Float(32), 4, "in"), w(Float(32), 4, "w");
  Var x("x"), y("y"), c("c"), n("n"), xo("xo"), xi("xi"), yo("yo"), yi("yi"), co("co"), cit("cit");
  Var a("a"), b("b"), d("d"), e("e"), g("g");
  Func padded = BoundaryConditions::constant_exterior(in, 0.f, {{0, in.dim(0).extent()}, {0, in.dim(1).extent()}});
  Func wr("wr"), cv("cv"), out("out");
  wr(a, b, d, e, g) = w(b, d, e, g * 4 + a);
  RDom r(0, K, 0, K, 0, w.dim(2).extent(), "r");
  cv(x, y, cit, co, n) = 0.f;
  cv(x, y, cit, co, n) += wr(cit, r.x, r.y, r.z, co) * padded(x * S + r.x - P, y * S + r.y - P, r.z, n);
  out(x, y, c, n) = cv(x, y, c % 4, c / 4, n);
  out.split(x, xo, xi, 8).split(y, yo, yi, 2).split(c, co, cit, 4).reorder(xi, cit, yi, xo, co, yo, n)
      .vectorize(xi).unroll(cit).unroll(yi).parallel(yo);
  cv.compute_at(out, xo).bound_extent(cit, 4).vectorize(x, 8).unroll(cit).unroll(y);
  cv.update().reorder(x, cit, y, r.x, r.y, r.z).vectorize(x, 8).unroll(cit).unroll(y).unroll(r.x);
  wr.compute_root();
  emit(out, {in, w}, name);
}

// Rows y of in(x, y): 16-row blocks parallel, max and sum rfactored into 32 lanes at the row,
// exp(x - max) in a row buffer scaled by 1 / sum.
static void softmax(bool fast, int vec, const std::string& name) {
  ImageParam in(Float(32), 2, "in");
  Var x("x"), y("y"), yo("yo"), yi("yi"), u("u");
  RDom r(0, in.dim(0).extent(), "r");
  Func mx("mx"), e("e"), sm("sm"), out("out");
  mx(y) = Float(32).min();
  mx(y) = max(mx(y), in(r, y));
  e(x, y) = fast ? fast_exp(in(x, y) - mx(y)) : exp(in(x, y) - mx(y));
  sm(y) = 0.f;
  sm(y) += e(r, y);
  out(x, y) = e(x, y) * (1.f / sm(y));
  out.split(y, yo, yi, 16).parallel(yo).vectorize(x, vec).unroll(x, 4);
  RVar ro("ro"), ri("ri");
  Func mxf = mx.update().split(r.x, ro, ri, 32).rfactor(ri, u);
  mxf.compute_at(out, yi).vectorize(u, vec);
  mxf.update().vectorize(u, vec);
  mx.compute_at(out, yi);
  e.compute_at(out, yi).vectorize(x, vec);
  RVar ro2("ro2"), ri2("ri2");
  Func smf = sm.update().split(r.x, ro2, ri2, 32).rfactor(ri2, u);
  smf.compute_at(out, yi).vectorize(u, vec);
  smf.update().vectorize(u, vec);
  sm.compute_at(out, yi);
  emit(out, {in}, name);
}

// Layer norm over rows: the same structure as the softmax (mean and variance rfactored into 32
// lanes at the row), then (x - mean) * rstd * gamma + beta vectorized.
static void layer_norm(int vec) {
  ImageParam in(Float(32), 2, "in"), gamma(Float(32), 1, "gamma"), beta(Float(32), 1, "beta");
  Param<float> eps("eps", 1e-5f);
  Var x("x"), y("y"), yo("yo"), yi("yi"), u("u");
  Expr C = in.dim(0).extent();
  RDom r(0, C, "r");
  Func s1("s1"), mean("mean"), s2("s2"), rstd("rstd"), out("out");
  s1(y) = 0.f;
  s1(y) += in(r, y);
  mean(y) = s1(y) / cast<float>(C);
  s2(y) = 0.f;
  s2(y) += (in(r, y) - mean(y)) * (in(r, y) - mean(y));
  rstd(y) = 1.f / sqrt(s2(y) / cast<float>(C) + eps);
  out(x, y) = (in(x, y) - mean(y)) * rstd(y) * gamma(x) + beta(x);
  out.split(y, yo, yi, 16).parallel(yo).vectorize(x, vec).unroll(x, 4);
  RVar ro("ro"), ri("ri"), ro2("ro2"), ri2("ri2");
  Func f1 = s1.update().split(r.x, ro, ri, 32).rfactor(ri, u);
  f1.compute_at(out, yi).vectorize(u, vec);
  f1.update().vectorize(u, vec);
  Func f2 = s2.update().split(r.x, ro2, ri2, 32).rfactor(ri2, u);
  f2.compute_at(out, yi).vectorize(u, vec);
  f2.update().vectorize(u, vec);
  for (Func f : {s1, mean, s2, rstd}) f.compute_at(out, yi);
  emit(out, {in, gamma, beta, eps}, "hl_layernorm");
}

// c = a + b in 65536-element chunks, parallel, vectors of 32.
static void add() {
  ImageParam a(Float(32), 1, "a"), b(Float(32), 1, "b");
  Var x("x"), xo("xo"), xi("xi");
  Func out("out");
  out(x) = a(x) + b(x);
  out.split(x, xo, xi, 65536).parallel(xo).vectorize(xi, 32);
  emit(out, {a, b}, "hl_add");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  outdir = argv[1];
  target = get_host_target();
  const int vec = target.natural_vector_size<float>();
  gemm(vec);
  conv(3, 1, 1, "hl_conv3x3");
  conv(1, 1, 0, "hl_conv1x1");
  conv(7, 2, 3, "hl_conv7x7s2");
  softmax(false, vec, "hl_softmax");
  softmax(true, vec, "hl_softmax_fast");
  layer_norm(vec);
  add();
  compile_standalone_runtime(outdir + "/hl_runtime.o", target);
  std::printf("vector width %d, target %s\n", vec, target.to_string().c_str());
  return 0;
}
