#include "server/http/collect_handler.h"

#include <array>
#include <chrono>
#include <iterator>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "server/base/log.h"
#include "server/http/json_writer.h"

namespace strata::server::http {
namespace {

// A worker keeps at most this many decoded events (and their string capacity) between
// requests, and drops an inflate buffer larger than kMaxKeptInflateBytes.
constexpr size_t kMaxKeptEvents = 8192;
constexpr size_t kMaxKeptInflateBytes = 8 << 20;

// The rejected-events counter label for an EventError field. Unknown top-level keys and
// params.KEY collapse to "params" so the label set stays bounded.
constexpr std::string_view kRejectReasons[] = {
    "json",         "merchant", "ts",       "event",    "client_id",  "user_id",
    "session_id",   "page",     "title",    "referrer", "utm_source", "utm_medium",
    "utm_campaign", "device",   "os",       "browser",  "country",    "language",
    "item_id",      "value",    "event_id", "params"};

constexpr size_t kReasonCount = std::size(kRejectReasons);

size_t RejectReasonIndex(std::string_view field) {
  if (field.empty()) return 0;  // "json"
  for (size_t i = 0; i < kReasonCount; ++i) {
    if (kRejectReasons[i] == field) return i;
  }
  return kReasonCount - 1;  // "params"
}

std::vector<double> BatchBuckets() { return {1, 10, 100, 1000, 10000, 100000, 1000000}; }

}  // namespace

struct CollectHandler::Worker {
  explicit Worker(const ingest::ValidationOptions& options) : decoder(options) {}
  ingest::EventDecoder decoder;
  std::vector<engine::Event> events;
  std::vector<std::string_view> spans;
  std::vector<ingest::kafka::OutgoingEvent> outgoing;  // Kafka mode: the accepted events
  std::string inflated;
};

struct CollectHandler::Metrics {
  Counter* accepted = nullptr;
  Histogram* batch_events = nullptr;
  Histogram* append_seconds = nullptr;
  std::array<Counter*, kReasonCount> rejected{};
};

CollectHandler::CollectHandler(CollectLimits limits, engine::Engine* engine,
                               ingest::kafka::EventProducer* producer, MetricsRegistry* metrics)
    : limits_(std::move(limits)),
      engine_(engine),
      producer_(producer),
      metrics_(std::make_unique<Metrics>()) {
  metrics_->accepted =
      metrics->GetCounter("strata_ingest_events_total", "Events accepted by /collect (durable)");
  metrics_->batch_events = metrics->GetHistogram("strata_ingest_batch_events",
                                                 "Events per /collect request", BatchBuckets());
  metrics_->append_seconds = metrics->GetHistogram(
      "strata_ingest_append_seconds",
      producer != nullptr ? "Time /collect waited for Kafka's delivery reports"
                          : "Time /collect waited for Engine::Append (WAL group commit durable)",
      LatencyBuckets());
  for (size_t i = 0; i < kReasonCount; ++i) {
    metrics_->rejected[i] = metrics->GetCounter(
        "strata_ingest_rejected_total", "Events rejected by /collect, by the field at fault",
        {{"reason", std::string(kRejectReasons[i])}});
  }
}

CollectHandler::~CollectHandler() = default;

std::unique_ptr<CollectHandler::Worker> CollectHandler::AcquireWorker() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_workers_.empty()) {
      std::unique_ptr<Worker> w = std::move(idle_workers_.back());
      idle_workers_.pop_back();
      return w;
    }
  }
  return std::make_unique<Worker>(limits_.validation);
}

void CollectHandler::ReleaseWorker(std::unique_ptr<Worker> worker) {
  if (worker->events.size() > kMaxKeptEvents) worker->events.resize(kMaxKeptEvents);
  if (worker->inflated.capacity() > kMaxKeptInflateBytes) std::string().swap(worker->inflated);
  worker->inflated.clear();
  worker->spans.clear();
  worker->outgoing.clear();
  absl::MutexLock lock(&mu_);
  idle_workers_.push_back(std::move(worker));
}

Counter* CollectHandler::RejectedCounter(std::string_view field) const {
  return metrics_->rejected[RejectReasonIndex(field)];
}

HttpReply CollectHandler::Handle(const CollectAuth& auth, std::string body, BodyEncoding encoding,
                                 BodyForm form, IngestGate::Reservation* reservation) {
  std::unique_ptr<Worker> w = AcquireWorker();
  struct Releaser {
    CollectHandler* self;
    std::unique_ptr<Worker>* w;
    ~Releaser() { self->ReleaseWorker(std::move(*w)); }
  } releaser{this, &w};

  // The decoded body: the received one as is, or its inflated form.
  std::string_view text = body;
  if (encoding != BodyEncoding::kIdentity) {
    const absl::Status s = Inflate(
        body, encoding, limits_.max_decoded_body_bytes,
        [reservation](size_t n) { return reservation->Grow(n); }, &w->inflated);
    if (!s.ok()) {
      if (absl::IsOutOfRange(s)) return ErrorReply(413, std::string(s.message()));
      if (absl::IsResourceExhausted(s)) return ErrorReply(429, std::string(s.message()));
      return ErrorReply(400, std::string(s.message()));
    }
    // The received body is no longer needed: hand its bytes (and the inflate slack) back.
    const size_t held = reservation->bytes();
    std::string().swap(body);
    if (held > w->inflated.size()) reservation->Shrink(held - w->inflated.size());
    text = w->inflated;
  } else if (text.size() > limits_.max_decoded_body_bytes) {
    return ErrorReply(
        413, absl::StrCat("decoded body larger than ", limits_.max_decoded_body_bytes, " bytes"));
  }

  if (absl::Status s = SplitEvents(text, form, &w->spans); !s.ok()) {
    return ErrorReply(400, std::string(s.message()));
  }
  if (w->spans.empty()) {
    return ErrorReply(400,
                      "the body holds no events (expected a JSON object, an array of objects "
                      "or NDJSON)");
  }
  if (w->events.size() < w->spans.size()) w->events.resize(w->spans.size());

  std::string errors;
  size_t accepted = 0;
  size_t rejected = 0;
  auto reject = [&](size_t index, std::string_view field, std::string_view reason) {
    RejectedCounter(field)->Add();
    if (rejected++ >= limits_.max_errors_reported) return;
    if (!errors.empty()) errors.push_back(',');
    absl::StrAppend(&errors, "{\"index\":", index, ",\"field\":");
    AppendJsonString(field, &errors);
    errors.append(",\"reason\":");
    AppendJsonString(reason, &errors);
    errors.push_back('}');
  };
  for (size_t i = 0; i < w->spans.size(); ++i) {
    engine::Event* event = &w->events[accepted];
    std::optional<ingest::EventError> error = w->decoder.Decode(w->spans[i], event);
    if (error.has_value()) {
      reject(i, error->field, error->reason);
      continue;
    }
    if (!auth.any_merchant && event->merchant != auth.merchant) {
      reject(i, "merchant", "does not belong to this write key");
      continue;
    }
    if (producer_ != nullptr) w->outgoing.push_back({event->merchant, w->spans[i]});
    ++accepted;
  }
  metrics_->batch_events->Observe(static_cast<double>(w->spans.size()));

  if (accepted > 0) {
    if (std::optional<HttpReply> failed = Store(*w, accepted)) return std::move(*failed);
    metrics_->accepted->Add(accepted);
  }

  std::string out;
  out.reserve(errors.size() + 128);
  if (accepted == 0) {
    out = "{\"error\":{\"message\":";
    AppendJsonString(absl::StrCat("no event accepted (", rejected, " rejected)"), &out);
    out += "},";
  } else {
    out = "{";
  }
  absl::StrAppend(&out, "\"accepted\":", accepted, ",\"rejected\":", rejected, ",\"errors\":[",
                  errors, "]");
  if (rejected > limits_.max_errors_reported) out += ",\"errors_truncated\":true";
  out += "}";
  return JsonReply(std::move(out), accepted == 0 ? 400 : 200);
}

std::optional<HttpReply> CollectHandler::Store(Worker& w, size_t accepted) {
  const auto start = std::chrono::steady_clock::now();
  const absl::Status s = producer_ != nullptr
                             ? producer_->ProduceEvents(w.outgoing)
                             : engine_->Append(absl::MakeConstSpan(w.events.data(), accepted));
  metrics_->append_seconds->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (s.ok()) return std::nullopt;
  // A full producer queue is ordinary back-pressure; anything else deserves a log line.
  if (!absl::IsResourceExhausted(s)) {
    Log(LogLevel::kError, producer_ != nullptr ? "produce failed" : "append failed")
        .Kv("proto", "http")
        .Kv("error", s.ToString());
  }
  HttpReply reply = ErrorReply(503, absl::StrCat("events not stored: ", std::string(s.message())));
  reply.headers.emplace_back("Retry-After", std::to_string(limits_.retry_after_seconds));
  return reply;
}

}  // namespace strata::server::http
