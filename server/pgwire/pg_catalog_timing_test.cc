#include <sqlite3.h>
#include <chrono>
#include "gtest/gtest.h"
#include "server/pgwire/pg_catalog_internal.h"
#include "server/pgwire/pg_catalog_test_util.h"
namespace strata::server::pgwire {
TEST(Timing, Phases) {
  auto s = testing::AliceSession(&testing::DefaultSettings());
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    auto db = catalog::OpenCatalogDatabase(s);
    auto t1 = std::chrono::steady_clock::now();
    catalog::FunctionContext f; f.session = &s;
    ASSERT_TRUE(catalog::RegisterFunctions(*db, &f).ok());
    auto t2 = std::chrono::steady_clock::now();
    {
      catalog::SessionRows rows(*db);
      ASSERT_TRUE(rows.Refresh(s).ok());
    }
    auto t3 = std::chrono::steady_clock::now();
    sqlite3_close(*db);
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    printf("open %.2f register %.2f refresh %.2f\n", ms(t0, t1), ms(t1, t2), ms(t2, t3));
  }
}
}
