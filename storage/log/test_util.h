// Private test helpers for storage/ tests: whole-file byte helpers that abort the test on
// I/O failure (temporary directories come from common/temp_dir.h).
//
// Thread safety: a ScopedTempDir belongs to one test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "storage/file.h"

namespace strata::storage::testing {

using ScopedTempDir = ::strata::TempDir;

inline std::string ReadAll(const std::string& path) {
  auto content = ReadFileToString(path);
  EXPECT_TRUE(content.ok()) << content.status();
  return content.ok() ? *content : std::string();
}

inline void WriteAll(const std::string& path, std::string_view data) {
  auto file = WritableFile::Open(path, /*truncate=*/true);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_TRUE((*file)->Append(data).ok());
}

}  // namespace strata::storage::testing
