// A GoogleTest fixture whose suite shares one `strata serve` with the dataset of
// test_data.h loaded (merchants shop-a and shop-b). The server stops with SIGTERM after the
// suite and must exit 0.
#pragma once

#include <memory>
#include <string>

#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_process.h"
#include "tests/serve/test_data.h"

namespace strata::serve_test {

class DatasetServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    absl::StatusOr<std::unique_ptr<ServeProcess>> server = StartWithDataset(dir_->File("data"));
    if (server.ok()) {
      server_ = server->release();
    } else {
      start_error_ = new std::string(server.status().ToString());
    }
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      int code = server_->Stop();
      EXPECT_EQ(code, 0) << "strata serve did not exit cleanly; its output:\n" << server_->Log();
      delete server_;
      server_ = nullptr;
    }
    delete start_error_;
    start_error_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << (start_error_ != nullptr ? *start_error_ : "not started");
  }

  void TearDown() override {
    if (server_ != nullptr) {
      EXPECT_TRUE(server_->Running()) << "strata serve died; its output:\n" << server_->Log();
    }
  }

  static ServeProcess& server() { return *server_; }

 private:
  static inline TempDir* dir_ = nullptr;
  static inline ServeProcess* server_ = nullptr;
  static inline std::string* start_error_ = nullptr;
};

}  // namespace strata::serve_test
