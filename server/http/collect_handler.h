// POST /collect after the headers were accepted: body decoding, per-event validation and
// the durable append (docs/http.md, "POST /collect").
//
// Handle() runs on an ingest worker thread: it inflates the body (growing the request's
// IngestGate reservation), splits it into events (body_codec.h), decodes each with a
// reused EventDecoder, checks the merchant against the write key, and appends the good
// events in one Engine::Append, which returns once they are durable. Only then does the
// reply claim them accepted; an Append error claims nothing (503).
//
// Thread safety: Handle may run on many threads at once; each call borrows a private
// decoder and event buffer from a free list.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/engine.h"
#include "ingest/event_json.h"
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
};

class CollectHandler {
 public:
  // `engine` and `metrics` must outlive the handler.
  CollectHandler(CollectLimits limits, engine::Engine* engine, MetricsRegistry* metrics);
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
  engine::Engine* const engine_;
  std::unique_ptr<Metrics> metrics_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Worker>> idle_workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata::server::http
