#include "query/error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace strata::query {
namespace {

constexpr char kStateKey[] = "strata.sqlstate";
constexpr char kPositionKey[] = "strata.position";

}  // namespace

absl::Status SqlError(std::string_view state, std::string_view message, int position) {
  absl::Status status(absl::StatusCode::kInvalidArgument,
                      absl::string_view(message.data(), message.size()));
  if (state == sqlstate::kProgramLimitExceeded) {
    status = absl::Status(absl::StatusCode::kResourceExhausted,
                          absl::string_view(message.data(), message.size()));
  } else if (state == sqlstate::kQueryCanceled) {
    status = absl::Status(absl::StatusCode::kCancelled,
                          absl::string_view(message.data(), message.size()));
  }
  status.SetPayload(kStateKey, absl::Cord(absl::string_view(state.data(), state.size())));
  if (position > 0) status.SetPayload(kPositionKey, absl::Cord(std::to_string(position)));
  return status;
}

std::string SqlStateOf(const absl::Status& status) {
  if (auto p = status.GetPayload(kStateKey)) return std::string(*p);
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return "00000";
    case absl::StatusCode::kDataLoss:
      return std::string(sqlstate::kDataCorrupted);
    case absl::StatusCode::kCancelled:
      return std::string(sqlstate::kQueryCanceled);
    case absl::StatusCode::kResourceExhausted:
      return std::string(sqlstate::kProgramLimitExceeded);
    default:
      return std::string(sqlstate::kInternalError);
  }
}

int ErrorPosition(const absl::Status& status) {
  auto p = status.GetPayload(kPositionKey);
  int position = 0;
  if (!p || !absl::SimpleAtoi(std::string(*p), &position)) return 0;
  return position;
}

absl::Status WithPosition(const absl::Status& status, int position) {
  if (status.ok() || position <= 0 || ErrorPosition(status) > 0) return status;
  absl::Status out = status;
  out.SetPayload(kPositionKey, absl::Cord(std::to_string(position)));
  return out;
}

}  // namespace strata::query
