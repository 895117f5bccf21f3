#include "server/demo_sender.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/http_client.h"

namespace strata::server {
namespace {

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The integer after "key": in a flat JSON object; nullopt if absent.
std::optional<int64_t> FindJsonInt(std::string_view body, std::string_view key) {
  const std::string quoted = absl::StrCat("\"", AsAbsl(key), "\"");
  size_t at = body.find(quoted);
  if (at == std::string_view::npos) return std::nullopt;
  size_t i = at + quoted.size();
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n')) ++i;
  if (i >= body.size() || body[i] != ':') return std::nullopt;
  ++i;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n')) ++i;
  size_t end = i;
  while (end < body.size() && absl::ascii_isdigit(static_cast<unsigned char>(body[end]))) ++end;
  int64_t value;
  if (!absl::SimpleAtoi(AsAbsl(body.substr(i, end - i)), &value)) return std::nullopt;
  return value;
}

std::string Excerpt(std::string_view body) {
  constexpr size_t kMax = 300;
  if (body.size() <= kMax) return std::string(body);
  return absl::StrCat(AsAbsl(body.substr(0, kMax)), "...");
}

}  // namespace

std::optional<CollectCounts> ParseCollectCounts(std::string_view body) {
  std::optional<int64_t> accepted = FindJsonInt(body, "accepted");
  std::optional<int64_t> rejected = FindJsonInt(body, "rejected");
  if (!accepted.has_value() || !rejected.has_value()) return std::nullopt;
  return CollectCounts{*accepted, *rejected};
}

absl::Status CheckServer(const std::string& host, uint16_t port, const std::string& url) {
  client::HttpClient http(host, port, absl::Seconds(5));
  absl::StatusOr<client::HttpResponse> reply = http.Request("GET", "/healthz");
  if (!reply.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot reach the server at ", url, " (",
                                               reply.status().message(),
                                               "); is `strata serve` running?"));
  }
  if (reply->status == 503) {
    return absl::UnavailableError(absl::StrCat("the server at ", url, " is shutting down"));
  }
  if (reply->status != 200) {
    return absl::FailedPreconditionError(absl::StrCat("GET ", url, "/healthz answered HTTP ",
                                                      reply->status, "; is this a Strata server?"));
  }
  return absl::OkStatus();
}

void LatencyHistogram::Add(absl::Duration latency) {
  double us = absl::ToDoubleMicroseconds(latency);
  int bucket = 0;
  if (us > 10) bucket = static_cast<int>(std::ceil(std::log(us / 10) / std::log(1.1)));
  buckets_[std::clamp(bucket, 0, kBuckets - 1)]++;
  ++count_;
}

absl::Duration LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return absl::ZeroDuration();
  uint64_t rank = static_cast<uint64_t>(std::ceil(p * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[b];
    if (seen >= rank) return absl::Microseconds(10 * std::pow(1.1, b));
  }
  return absl::InfiniteDuration();
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int b = 0; b < kBuckets; ++b) buckets_[b] += other.buckets_[b];
  count_ += other.count_;
}

void LatencyHistogram::Clear() { *this = LatencyHistogram(); }

bool BatchQueue::PushFor(DemoBatch* batch, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto has_room = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return closed_ || batches_.size() < capacity_;
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&has_room), timeout) || closed_) return false;
  batches_.push_back(std::move(*batch));
  return true;
}

bool BatchQueue::Pop(DemoBatch* out) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return closed_ || !batches_.empty(); };
  mu_.Await(absl::Condition(&ready));
  if (batches_.empty()) return false;
  *out = std::move(batches_.front());
  batches_.pop_front();
  return true;
}

void BatchQueue::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

void DemoCounters::AddLatency(absl::Duration latency) {
  absl::MutexLock lock(&mu_);
  interval_.Add(latency);
  total_.Add(latency);
}

LatencyHistogram DemoCounters::TakeInterval() {
  absl::MutexLock lock(&mu_);
  LatencyHistogram taken = interval_;
  interval_.Clear();
  return taken;
}

LatencyHistogram DemoCounters::Total() {
  absl::MutexLock lock(&mu_);
  return total_;
}

DemoSenders::DemoSenders(DemoSenderOptions options, BatchQueue* queue, DemoCounters* counters)
    : options_(std::move(options)),
      authorization_(client::BasicAuthorization(options_.user, options_.password)),
      queue_(queue),
      counters_(counters) {
  absl::MutexLock lock(&mu_);
  running_ = options_.connections;
  for (int i = 0; i < options_.connections; ++i) threads_.emplace_back([this] { Run(); });
}

DemoSenders::~DemoSenders() {
  Abandon();
  queue_->Close();
  Join();
}

bool DemoSenders::WaitFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto done = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return running_ == 0; };
  return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
}

void DemoSenders::Join() {
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

std::optional<std::string> DemoSenders::fatal_error() const {
  absl::MutexLock lock(&mu_);
  return fatal_;
}

void DemoSenders::Run() {
  client::HttpClient http(options_.host, options_.port, options_.request_timeout);
  DemoBatch batch;
  while (queue_->Pop(&batch)) {
    if (abandon_) {
      counters_->dropped += batch.events;
      continue;
    }
    Send(http, batch);
  }
  absl::MutexLock lock(&mu_);
  --running_;
}

void DemoSenders::Send(client::HttpClient& http, const DemoBatch& batch) {
  const client::HttpHeaders headers = {{"Authorization", authorization_},
                                       {"Content-Type", "application/x-ndjson"}};
  const char* program = options_.program.c_str();
  absl::Duration backoff = absl::Milliseconds(100);
  auto next_backoff = [&] {
    absl::Duration d = backoff;
    backoff = std::min(backoff * 2, options_.max_backoff);
    return d;
  };
  // Since when the server has been unreachable or answering 503 to this batch.
  std::optional<absl::Time> failing_since;
  auto failing_too_long = [&](const absl::Time now, absl::string_view why) {
    if (!failing_since.has_value()) failing_since = now;
    if (now - *failing_since < options_.give_up_after) return false;
    Fatal(absl::StrCat("giving up after ", absl::FormatDuration(now - *failing_since),
                       " without an answer: ", why));
    return true;
  };
  while (!abandon_) {
    const absl::Time start = absl::Now();
    absl::StatusOr<client::HttpResponse> reply =
        http.Request("POST", "/collect", batch.body, headers);
    ++counters_->requests;
    if (!reply.ok()) {
      ++counters_->unavailable;
      {
        absl::MutexLock lock(&mu_);
        if (!warned_unreachable_) {
          warned_unreachable_ = true;
          std::fprintf(stderr, "%s: %s; retrying\n", program,
                       std::string(reply.status().message()).c_str());
        }
      }
      if (failing_too_long(absl::Now(), reply.status().message())) break;
      if (!Wait(next_backoff())) break;
      continue;
    }
    counters_->AddLatency(absl::Now() - start);
    {
      absl::MutexLock lock(&mu_);
      if (warned_unreachable_) {
        warned_unreachable_ = false;
        std::fprintf(stderr, "%s: the server answers again\n", program);
      }
    }
    const int status = reply->status;
    if (status == 200 || status == 400) {
      std::optional<CollectCounts> counts = ParseCollectCounts(reply->body);
      if (!counts.has_value() && status == 200) {
        Fatal(absl::StrCat("unexpected /collect reply (is this a Strata server?): ",
                           Excerpt(reply->body)));
        break;
      }
      CollectCounts c = counts.value_or(CollectCounts{0, static_cast<int64_t>(batch.events)});
      counters_->sent += batch.events;
      counters_->accepted += static_cast<uint64_t>(c.accepted);
      counters_->rejected += static_cast<uint64_t>(c.rejected);
      if (options_.on_reply) {
        options_.on_reply(batch, c, reply->body);
      } else if (c.rejected > 0) {
        absl::MutexLock lock(&mu_);
        if (!warned_rejections_) {
          warned_rejections_ = true;
          std::fprintf(stderr, "%s: the server rejected %lld events of a batch: %s\n", program,
                       static_cast<long long>(c.rejected), Excerpt(reply->body).c_str());
        }
      }
      return;
    }
    if (status == 429) {
      ++counters_->throttled;
      int64_t seconds = 1;
      if (!absl::SimpleAtoi(reply->Header("Retry-After"), &seconds) || seconds < 0) seconds = 1;
      if (!Wait(absl::Seconds(seconds))) break;
      continue;
    }
    if (status == 503) {
      ++counters_->unavailable;
      if (failing_too_long(absl::Now(), "HTTP 503 from /collect")) break;
      if (!Wait(next_backoff())) break;
      continue;
    }
    if (status == 401 || status == 403) {
      Fatal(absl::StrCat("the server refused user '", options_.user, "' (HTTP ", status,
                         "): check --user and --password (the admin's credentials)"));
    } else if (status == 413) {
      Fatal(absl::StrCat("the server refused a body of ", batch.body.size(),
                         " bytes (HTTP 413); raise its http.max_body_mb"));
    } else {
      Fatal(absl::StrCat("unexpected HTTP ", status, " from /collect: ", Excerpt(reply->body)));
    }
    break;
  }
  counters_->dropped += batch.events;
}

bool DemoSenders::Wait(absl::Duration d) {
  const absl::Time until = absl::Now() + d;
  while (!abandon_) {
    absl::Duration left = until - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    absl::SleepFor(std::min(left, absl::Milliseconds(50)));
  }
  return false;
}

void DemoSenders::Fatal(std::string message) {
  {
    absl::MutexLock lock(&mu_);
    if (!fatal_.has_value()) fatal_ = std::move(message);
  }
  Abandon();
}

}  // namespace strata::server
