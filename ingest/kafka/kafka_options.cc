#include "ingest/kafka/kafka_options.h"

#include "absl/strings/str_cat.h"

namespace strata::ingest::kafka {

std::string SourceKey(const std::string& topic, int32_t partition) {
  return absl::StrCat(topic, "/", partition);
}

}  // namespace strata::ingest::kafka
