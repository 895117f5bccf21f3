// TempDir: a fresh directory under /tmp, removed recursively when the object goes out of
// scope. For tests and benchmarks of every module.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace strata {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/strata-test-XXXXXX";  // mkdtemp fills in the X
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace strata
