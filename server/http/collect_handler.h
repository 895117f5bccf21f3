// POST /collect after the headers were accepted: body decoding, per-event validation and
// the durable append (docs/http.md, "POST /collect").
//
// Handle() runs on an ingest worker thread: it inflates the body (growing the request's
// IngestGate reservation), splits it into events (body_codec.h), decodes each with a
// reused EventDecoder, checks the merchant against the write key, and appends the good
// events in one Engine::Append, which returns once they are durable. Only then does the
// reply claim them accepted; an Append error claims nothing (503).
//
// With a Kafka producer (ingest.mode = "kafka") the good events are produced instead, one
// message per merchant, and the reply waits for Kafka's delivery reports; a full producer
// queue or a failed delivery is a 503 with Retry-After.
//
// Thread safety: Handle may run on many threads at once; each call borrows a private
// decoder and event buffer from a free list.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/engine.h"
#include "ingest/event_json.h"
#include "ingest/kafka/producer.h"
#include "server/base/metrics.h"
#include "server/http/body_codec.h"
#include "server/http/ingest_gate.h"
#include "server/http/request.h"

namespace strata::server::http {

// Whose events a /collect request may carry.
struct CollectAuth {
  bool any_merchant = false;  // admin
  std::string merchant;       // otherwise only this merchant's events
};

struct CollectLimits {
  size_t max_decoded_body_bytes = 64ull << 20;
  size_t max_errors_reported = 100;  // the "errors" list is cut here ("errors_truncated")
  ingest::ValidationOptions validation;
  int retry_after_seconds = 1;  // on a 503 (engine or Kafka unavailable)
};

class CollectHandler {
 public:
  // `engine`, `producer` and `metrics` must outlive the handler. A non-null `producer`
  // receives the accepted events instead of `engine`.
  CollectHandler(CollectLimits limits, engine::Engine* engine,
                 ingest::kafka::EventProducer* producer, MetricsRegistry* metrics);
  ~CollectHandler();
  CollectHandler(const CollectHandler&) = delete;
  CollectHandler& operator=(const CollectHandler&) = delete;

  // `body` is the body as received; `reservation` already holds its bytes.
  HttpReply Handle(const CollectAuth& auth, std::string body, BodyEncoding encoding, BodyForm form,
                   IngestGate::Reservation* reservation);

 private:
  struct Worker;
  struct Metrics;
  std::unique_ptr<Worker> AcquireWorker();
  void ReleaseWorker(std::unique_ptr<Worker> worker);
  Counter* RejectedCounter(std::string_view field) const;

  const CollectLimits limits_;
  // Stores the accepted events (engine or Kafka); an empty reply means they are durable.
  std::optional<HttpReply> Store(Worker& w, size_t accepted);

  engine::Engine* const engine_;
  ingest::kafka::EventProducer* const producer_;
  std::unique_ptr<Metrics> metrics_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Worker>> idle_workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata::server::http
