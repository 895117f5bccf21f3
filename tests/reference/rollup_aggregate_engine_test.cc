// Rollup routing over a real Engine: its flushes derive the sessions and companion rollups,
// its memtables hold the tail. Random queries must answer the same with rollups on and off.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "engine/engine.h"
#include "engine/rollup/rollup.h"
#include "ingest/generator.h"
#include "query/query.h"
#include "query/rollup_aggregate_test_checks.h"

namespace strata::query {
namespace {

using rollup_test::kDay;
using rollup_test::PlanText;
using ::testing::HasSubstr;
using ::testing::Not;

class RollupEngineTest : public rollup_test::RoutingTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    engine::EngineOptions options;
    options.data_dir = dir_->path();
    options.shards = 2;
    options.rows_per_block = 1024;
    options.wal_sync = engine::WalSyncMode::kRelaxed;
    auto opened = engine::Engine::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = opened->release();
    ingest::GeneratorOptions gen;
    gen.events = 50000;
    gen.merchants = 10;
    gen.days = 4;
    gen.seed = 7;
    events_ = new std::vector<engine::Event>(ingest::Generator::All(gen));
    // Two flushes, then a tail left in the memtables.
    auto all = absl::MakeConstSpan(*events_);
    const size_t part = all.size() * 45 / 100;
    ASSERT_TRUE(engine_->Append(all.subspan(0, part)).ok());
    ASSERT_TRUE(engine_->Flush().ok());
    ASSERT_TRUE(engine_->Append(all.subspan(part, part)).ok());
    ASSERT_TRUE(engine_->Flush().ok());
    ASSERT_TRUE(engine_->Append(all.subspan(2 * part)).ok());
    engine::Engine* engine = engine_;
    UseData([engine] { return engine->GetSnapshot(); }, *events_, gen.start_us,
            gen.start_us + gen.days * kDay);
  }
  static void TearDownTestSuite() {
    (void)engine_->Close();
    delete engine_;
    delete events_;
    delete dir_;
  }

  static bool EngineBuildsRollups() {
    const std::shared_ptr<const engine::Snapshot> snap = engine_->GetSnapshot();
    for (const auto& seg : snap->segments) {
      if (seg->rollup() != nullptr) return true;
    }
    return false;
  }

  static inline TempDir* dir_ = nullptr;
  static inline engine::Engine* engine_ = nullptr;
  static inline std::vector<engine::Event>* events_ = nullptr;
};

TEST_F(RollupEngineTest, RandomEventQueriesMatchRaw) {
  checked_ = eligible_ = 0;
  RandomQueries(false, 200, 20261201);
  EXPECT_GT(eligible_, checked_ / 2);
}

TEST_F(RollupEngineTest, RandomSessionQueriesMatchRaw) {
  if (!SessionsTableExists()) GTEST_SKIP() << "no sessions table in this build";
  checked_ = eligible_ = 0;
  RandomQueries(true, 150, 20261202);
  EXPECT_GT(eligible_, checked_ / 2);
}

TEST_F(RollupEngineTest, FlushedDataIsReadFromCells) {
  if (!EngineBuildsRollups()) GTEST_SKIP() << "this engine build derives no rollups";
  auto s = Session(std::vector<std::string>{"shop-000001"}, true);
  const std::string plan = PlanText(Must(*s,
                                         "EXPLAIN ANALYZE SELECT date_trunc('day', ts), count(*), "
                                         "count(DISTINCT client_id) FROM events GROUP BY 1"));
  EXPECT_THAT(plan, HasSubstr("RollupAggregate cube=events grain=day cells="));
  EXPECT_THAT(plan, Not(HasSubstr("cells=0 ")));
  EXPECT_THAT(plan, Not(HasSubstr("memtable_rows=0 ")));
}

}  // namespace
}  // namespace strata::query
