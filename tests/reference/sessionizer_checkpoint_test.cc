// Checkpoints: round trips, continuing after a restore, and damaged input.
#include <limits>
#include <random>

#include "common/coding.h"
#include "common/crc32c.h"
#include "engine/sessions/sessionizer.h"
#include "engine/sessions/sessions_test_util.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"

namespace strata::engine {
namespace {

using testing_util::Ev;
using testing_util::Produced;
using testing_util::TestEvent;
using testing_util::View;

std::vector<TestEvent> Traffic(uint64_t events, uint32_t merchants, uint64_t seed) {
  ingest::GeneratorOptions g;
  g.events = events;
  g.merchants = merchants;
  g.days = 2;
  g.seed = seed;
  testing_util::DenseIds ids;
  std::vector<TestEvent> out;
  for (const Event& e : ingest::Generator::All(g)) out.push_back(ids.Make(e));
  return out;
}

SessionizerOptions Options() {
  SessionizerOptions o;
  o.allowed_lateness_us = 2 * kMicrosPerHour;
  return o;
}

void Feed(const std::vector<TestEvent>& events, size_t begin, size_t end, size_t batch,
          Sessionizer* s, Produced* out) {
  for (size_t i = begin; i < end; i += batch) {
    for (size_t j = i; j < std::min(end, i + batch); ++j) s->Add(View(events[j]));
    s->Advance(&out->sessions, &out->pageviews);
  }
}

TEST(SessionizerCheckpointTest, EmptyRoundTrip) {
  Sessionizer s(Options());
  auto back = Sessionizer::DecodeCheckpoint(s.EncodeCheckpoint(), Options());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->watermark(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(back->held_events(), 0u);
  EXPECT_EQ(back->EncodeCheckpoint(), s.EncodeCheckpoint());
}

TEST(SessionizerCheckpointTest, ContinuingFromACheckpointGivesTheSameRows) {
  const std::vector<TestEvent> events = Traffic(30000, 20, 9);
  const size_t half = events.size() / 2;
  Sessionizer straight(Options());
  Produced want;
  Feed(events, 0, events.size(), 500, &straight, &want);

  Sessionizer first(Options());
  Produced got;
  Feed(events, 0, half, 500, &first, &got);
  // Late events are counted in the checkpoint too (the generator's offline sessions
  // arrive up to 6 h late, so there are some already).
  const uint64_t late = first.late_events();
  first.Add(View(Ev(1, -1e6)));
  ASSERT_EQ(first.late_events(), late + 1);
  const std::string bytes = first.EncodeCheckpoint();
  auto restored = Sessionizer::DecodeCheckpoint(bytes, Options());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->watermark(), first.watermark());
  EXPECT_EQ(restored->late_events(), late + 1);
  EXPECT_EQ(restored->held_events(), first.held_events());
  EXPECT_EQ(restored->held_sessions(), first.held_sessions());
  EXPECT_GT(restored->held_sessions(), 100u);
  EXPECT_EQ(restored->EncodeCheckpoint(), bytes);  // deterministic bytes
  for (uint32_t m = 0; m < 20; ++m) {
    std::vector<SessionRow> a, b;
    std::vector<PageviewRow> pa, pb;
    first.LiveRows(m, &a, &pa);
    restored->LiveRows(m, &b, &pb);
    EXPECT_EQ(a, b);
    EXPECT_EQ(pa, pb);
  }
  Feed(events, half, events.size(), 500, &*restored, &got);

  testing_util::DrainLive(straight, 20, &want);
  testing_util::DrainLive(*restored, 20, &got);
  testing_util::SortSessions(&want.sessions);
  testing_util::SortSessions(&got.sessions);
  testing_util::SortPageviews(&want.pageviews);
  testing_util::SortPageviews(&got.pageviews);
  EXPECT_EQ(got.sessions, want.sessions);
  EXPECT_EQ(got.pageviews, want.pageviews);
}

std::string SmallCheckpoint() {
  Sessionizer s(Options());
  const std::vector<TestEvent> events = Traffic(300, 3, 4);
  Produced out;
  Feed(events, 0, events.size(), 100, &s, &out);
  return s.EncodeCheckpoint();
}

// Rewrites the trailing CRC so a damaged body reaches the parser.
std::string Reseal(std::string bytes) {
  std::string_view body(bytes.data(), bytes.size() - 4);
  uint32_t crc = crc32c::Mask(crc32c::Value(body));
  EncodeFixed32(bytes.data() + body.size(), crc);
  return bytes;
}

TEST(SessionizerCheckpointTest, TruncationsAreDataLoss) {
  const std::string bytes = SmallCheckpoint();
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = Sessionizer::DecodeCheckpoint(std::string_view(bytes).substr(0, n), Options());
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
    // Truncated and resealed: the parser itself must notice.
    if (n >= 5) {
      std::string cut = Reseal(bytes.substr(0, n));
      auto p = Sessionizer::DecodeCheckpoint(cut, Options());
      ASSERT_FALSE(p.ok()) << n;
      EXPECT_EQ(p.status().code(), absl::StatusCode::kDataLoss);
    }
  }
}

TEST(SessionizerCheckpointTest, ByteFlipsAreCaughtOrHarmless) {
  const std::string bytes = SmallCheckpoint();
  std::mt19937_64 rng(3);
  size_t parsed_ok = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] ^= static_cast<char>(1 + rng() % 255);
    auto r = Sessionizer::DecodeCheckpoint(damaged, Options());
    ASSERT_FALSE(r.ok()) << i;  // the checksum catches every single-byte change
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(r.status().message().find("sessionizer checkpoint"), std::string::npos);

    // Past the checksum, the parser either rejects it or yields a usable state.
    if (i + 4 >= bytes.size()) continue;
    auto p = Sessionizer::DecodeCheckpoint(Reseal(damaged), Options());
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), absl::StatusCode::kDataLoss) << p.status();
      continue;
    }
    ++parsed_ok;
    std::vector<SessionRow> rows;
    std::vector<PageviewRow> views;
    for (uint32_t m = 0; m < 4; ++m) p->LiveRows(m, &rows, &views);
    p->Add(View(Ev(1, 1e7)));
    p->Advance(&rows, &views);
    EXPECT_TRUE(Sessionizer::DecodeCheckpoint(p->EncodeCheckpoint(), Options()).ok());
  }
  EXPECT_GT(parsed_ok, 0u);  // flips inside strings still parse
}

TEST(SessionizerCheckpointTest, UnknownVersionIsDataLoss) {
  std::string bytes = SmallCheckpoint();
  bytes[0] = 7;
  auto r = Sessionizer::DecodeCheckpoint(Reseal(bytes), Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("version"), std::string::npos) << r.status();
}

}  // namespace
}  // namespace strata::engine
