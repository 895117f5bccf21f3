#include "common/coding.h"

#include "absl/strings/str_cat.h"

namespace strata {

absl::Status Cursor::status(std::string_view context) const {
  if (ok()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(absl::string_view(context.data(), context.size()),
                                          context.empty() ? "" : ": ", error_, " at offset ",
                                          fail_offset_, ": ", reason_));
}

}  // namespace strata
