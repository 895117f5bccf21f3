// Vectorized expression evaluation on 4096-row chunks: rows/s for a typical WHERE clause
// (time range AND a dictionary-coded event name), double arithmetic, LIKE on plain
// strings, and time bucketing.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "query/evaluator.h"
#include "query/expr.h"
#include "query/vector.h"

namespace strata::query {
namespace {

constexpr int64_t kStart = 1'793'491'200'000'000;  // 2026-11-01 00:00 UTC

const std::vector<std::string>& EventNames() {
  static const std::vector<std::string> names = {
      "page_view", "scroll",  "click",      "add_to_cart", "checkout_start",
      "purchase",  "sign_up", "video_play", "search",      "session_start"};
  return names;
}

// Columns: 0 ts (ascending, ~1 s apart), 1 event (dictionary-coded), 2 d, 3 e (doubles),
// 4 url (plain strings).
Chunk MakeChunk() {
  std::mt19937_64 rng(1);
  Chunk c;
  c.rows = kChunkRows;
  Vector ts(Type::kTimestamp), event(Type::kString), d(Type::kFloat64), e(Type::kFloat64),
      url(Type::kString);
  static const std::vector<std::string> urls = [] {
    std::vector<std::string> u;
    const char* paths[] = {"/",
                           "/products/shoes",
                           "/cart",
                           "/checkout/payment",
                           "/blog/post-12",
                           "/search?q=red+shoes",
                           "/account/orders",
                           "/checkout/confirm"};
    for (const char* p : paths) u.push_back(std::string("https://shop.example.com") + p);
    return u;
  }();
  int64_t t = kStart;
  for (size_t r = 0; r < kChunkRows; ++r) {
    t += static_cast<int64_t>(rng() % 2'000'000);
    ts.i64.push_back(t);
    // Zipf-like: page_view dominates.
    uint32_t code = rng() % 3 == 0 ? static_cast<uint32_t>(rng() % EventNames().size()) : 0;
    event.str.push_back(EventNames()[code]);
    event.codes.push_back(code);
    d.f64.push_back(static_cast<double>(rng() % 10000) / 7.0);
    e.f64.push_back(static_cast<double>(rng() % 1000) / 3.0);
    url.str.push_back(urls[rng() % urls.size()]);
  }
  event.code_source = &EventNames();
  c.columns = {ts, event, d, e, url};
  return c;
}

ExprPtr Must(absl::StatusOr<ExprPtr> e) {
  if (!e.ok()) std::abort();
  return std::move(*e);
}

std::vector<ExprPtr> Args2(ExprPtr a, ExprPtr b) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return v;
}

ExprPtr Ts() { return MakeColumn(0, Type::kTimestamp, "ts"); }
ExprPtr Str(const char* s) { return MakeConstant(Value::String(s)); }

void BM_SelectTimeAndEvent(benchmark::State& state) {
  ExprContext ctx;
  Chunk chunk = MakeChunk();
  // About half of the chunk's time range, then page_view (~70% of rows).
  int64_t mid = chunk.columns[0].i64[kChunkRows / 2];
  auto time = Must(MakeCall(">=", Args2(Ts(), MakeConstant(Value::Timestamp(mid))), ctx));
  auto event =
      Must(MakeCall("=", Args2(MakeColumn(1, Type::kString, "event"), Str("page_view")), ctx));
  std::vector<ExprPtr> both;
  both.push_back(std::move(time));
  both.push_back(std::move(event));
  auto where = Must(MakeAnd(std::move(both), ctx));
  ExprEvaluator ev(ctx);
  std::vector<uint32_t> sel;
  for (auto _ : state) {
    if (!ev.Select(*where, chunk, &sel).ok()) state.SkipWithError("select");
    benchmark::DoNotOptimize(sel.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunkRows));
  state.counters["selected"] = static_cast<double>(sel.size());
}
BENCHMARK(BM_SelectTimeAndEvent);

void BM_ArithmeticDoubles(benchmark::State& state) {
  ExprContext ctx;
  Chunk chunk = MakeChunk();
  // d * 1.5 + e
  auto mul = Must(MakeCall(
      "*", Args2(MakeColumn(2, Type::kFloat64, "d"), MakeConstant(Value::Float(1.5))), ctx));
  auto expr = Must(MakeCall("+", Args2(std::move(mul), MakeColumn(3, Type::kFloat64, "e")), ctx));
  ExprEvaluator ev(ctx);
  Vector out;
  for (auto _ : state) {
    if (!ev.Eval(*expr, chunk, &out).ok()) state.SkipWithError("eval");
    benchmark::DoNotOptimize(out.f64.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunkRows));
}
BENCHMARK(BM_ArithmeticDoubles);

void BM_LikePlainStrings(benchmark::State& state) {
  ExprContext ctx;
  Chunk chunk = MakeChunk();
  auto like =
      Must(MakeLike(MakeColumn(4, Type::kString, "url"), Str("%checkout%"), false, false, ctx));
  ExprEvaluator ev(ctx);
  std::vector<uint32_t> sel;
  for (auto _ : state) {
    if (!ev.Select(*like, chunk, &sel).ok()) state.SkipWithError("select");
    benchmark::DoNotOptimize(sel.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunkRows));
  state.counters["selected"] = static_cast<double>(sel.size());
}
BENCHMARK(BM_LikePlainStrings);

void BM_TimeBucket(benchmark::State& state, const char* zone) {
  ExprContext ctx;
  Chunk chunk = MakeChunk();
  std::vector<ExprPtr> args;
  args.push_back(Str("1 hour"));
  args.push_back(Ts());
  if (zone != nullptr) args.push_back(Str(zone));
  auto bucket = Must(MakeCall("time_bucket", std::move(args), ctx));
  ExprEvaluator ev(ctx);
  Vector out;
  for (auto _ : state) {
    if (!ev.Eval(*bucket, chunk, &out).ok()) state.SkipWithError("eval");
    benchmark::DoNotOptimize(out.i64.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunkRows));
}
BENCHMARK_CAPTURE(BM_TimeBucket, utc, nullptr);
BENCHMARK_CAPTURE(BM_TimeBucket, berlin, "Europe/Berlin");

void BM_DateTruncDay(benchmark::State& state) {
  ExprContext ctx;
  ctx.time_zone = *LoadZone("America/New_York");
  Chunk chunk = MakeChunk();
  auto trunc = Must(MakeCall("date_trunc", Args2(Str("day"), Ts()), ctx));
  ExprEvaluator ev(ctx);
  Vector out;
  for (auto _ : state) {
    if (!ev.Eval(*trunc, chunk, &out).ok()) state.SkipWithError("eval");
    benchmark::DoNotOptimize(out.i64.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunkRows));
}
BENCHMARK(BM_DateTruncDay);

void BM_EventInList(benchmark::State& state) {
  ExprContext ctx;
  Chunk chunk = MakeChunk();
  std::vector<ExprPtr> list;
  list.push_back(Str("add_to_cart"));
  list.push_back(Str("checkout_start"));
  list.push_back(Str("purchase"));
  auto in = Must(MakeIn(MakeColumn(1, Type::kString, "event"), std::move(list), false, ctx));
  ExprEvaluator ev(ctx);
  std::vector<uint32_t> sel;
  for (auto _ : state) {
    if (!ev.Select(*in, chunk, &sel).ok()) state.SkipWithError("select");
    benchmark::DoNotOptimize(sel.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChunkRows));
}
BENCHMARK(BM_EventInList);

}  // namespace
}  // namespace strata::query
