#include "ingest/kafka/batch_appender.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "ingest/kafka/kafka_client.h"

namespace strata::ingest::kafka {
namespace {

constexpr absl::Duration kFirstRetryDelay = absl::Milliseconds(100);
constexpr absl::Duration kMaxRetryDelay = absl::Seconds(2);

}  // namespace

BatchAppender::BatchAppender(engine::Engine* engine, const absl::Notification* stop)
    : engine_(engine), stop_(stop) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "kafka-append");  // names it in top and perf
    Run();
  });
}

BatchAppender::~BatchAppender() {
  {
    absl::MutexLock lock(&mu_);
    quit_ = true;
  }
  thread_.join();
}

void BatchAppender::Submit(EventSlots* batch, engine::SourcePositions advance) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !busy_; };
  mu_.Await(absl::Condition(&idle));
  std::swap(batch_, *batch);
  batch->Clear();
  advance_ = std::move(advance);
  busy_ = true;
}

bool BatchAppender::Idle() const {
  absl::MutexLock lock(&mu_);
  return !busy_;
}

absl::Status BatchAppender::Drain() {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !busy_; };
  mu_.Await(absl::Condition(&idle));
  return last_status_;
}

absl::Status BatchAppender::first_error() const {
  absl::MutexLock lock(&mu_);
  return first_error_;
}

void BatchAppender::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return busy_ || quit_; };
      mu_.Await(absl::Condition(&ready));
      if (!busy_) return;  // quit_ with nothing left
    }
    const absl::Status status = AppendWithRetry();
    absl::MutexLock lock(&mu_);
    last_status_ = status;
    busy_ = false;
  }
}

absl::Status BatchAppender::AppendWithRetry() {
  absl::Status status;
  for (absl::Duration delay = kFirstRetryDelay;; delay = std::min(2 * delay, kMaxRetryDelay)) {
    status = engine_->Append(batch_.events(), advance_);
    if (status.ok()) {
      events_.fetch_add(batch_.size(), std::memory_order_relaxed);
      return status;
    }
    errors_.fetch_add(1, std::memory_order_relaxed);
    {
      absl::MutexLock lock(&mu_);
      if (first_error_.ok()) first_error_ = status;
    }
    LogKafka("error", "append failed, retrying", status.ToString());
    if (stop_->WaitForNotificationWithTimeout(delay)) return status;  // dropped: read again
  }
}

}  // namespace strata::ingest::kafka
