#include "server/demo_traffic.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace strata::server {
namespace {

constexpr int64_t kHourUs = 3'600'000'000;
constexpr int64_t kDayUs = 24 * kHourUs;

}  // namespace

absl::Status ValidateLiveTrafficOptions(const LiveTrafficOptions& options) {
  if (options.merchants < 1 || options.merchants > 1'000'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("merchants must be 1-1000000, got ", options.merchants));
  }
  if (!(options.rate > 0) || options.rate > 10'000'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("rate must be in (0, 10000000] events/s, got ", options.rate));
  }
  if (options.start_us <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("start must be after the epoch, got ", options.start_us));
  }
  return absl::OkStatus();
}

LiveTraffic::LiveTraffic(const LiveTrafficOptions& options) : options_(options) {
  STRATA_CHECK(ValidateLiveTrafficOptions(options).ok(), "invalid LiveTrafficOptions");
  events_per_day_ = options.events_per_generator_day;
  if (events_per_day_ == 0) {
    double rate = std::min(options.rate, kMaxGeneratorRate);
    events_per_day_ = static_cast<uint64_t>(std::llround(rate * 86400));
  }
  events_per_day_ = std::max<uint64_t>(events_per_day_, 1);
  StartGeneratorDay();
}

LiveTraffic::~LiveTraffic() = default;

void LiveTraffic::StartGeneratorDay() {
  ingest::GeneratorOptions g;
  g.events = events_per_day_;
  g.merchants = options_.merchants;
  g.days = 1;
  g.seed = options_.seed + day_;
  // Whole hours, so the generator's daily cycle lines up with the wall clock's UTC hours.
  g.start_us = options_.start_us / kHourUs * kHourUs + static_cast<int64_t>(day_) * kDayUs;
  ++day_;
  generator_ = std::make_unique<ingest::Generator>(g);
}

int64_t LiveTraffic::SlotUs(uint64_t index) const {
  long double offset = static_cast<long double>(index + 1) * 1e6L / options_.rate;
  return options_.start_us + static_cast<int64_t>(offset);
}

uint64_t LiveTraffic::DueAt(int64_t now_us) const {
  if (now_us <= options_.start_us) return 0;
  long double estimate =
      static_cast<long double>(now_us - options_.start_us) * options_.rate / 1e6L;
  uint64_t due = static_cast<uint64_t>(estimate);
  // The estimate can be one off either way after rounding; settle on slot(due - 1) <=
  // now < slot(due).
  while (due > 0 && SlotUs(due - 1) > now_us) --due;
  while (SlotUs(due) <= now_us) ++due;
  return due;
}

size_t LiveTraffic::AppendDue(uint64_t due, size_t max_bytes, std::string* out) {
  size_t appended = 0;
  while (produced_ < due && out->size() < max_bytes) {
    if (!generator_->Next(&event_)) {
      StartGeneratorDay();
      continue;
    }
    const int64_t lateness_us = generator_->arrival_us() - event_.ts_us;
    const int64_t ts_us = SlotUs(produced_) - lateness_us;
    event_.ts_us = ts_us - ts_us % 1000;  // JSON carries whole milliseconds
    last_ts_us_ = event_.ts_us;
    ingest::Generator::AppendJson(event_, out);
    ++produced_;
    ++appended;
  }
  return appended;
}

}  // namespace strata::server
