// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it, server side.
//
// A password is never stored: a secret keeps the salt, the iteration count, StoredKey and
// ServerKey, in PostgreSQL's text form
//   SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
// so a stolen secret does not reveal the password and cannot log in by itself.
//
// PostgreSQL's exchange (no channel binding, since Strata has no TLS yet): the client's
// SASLInitialResponse carries client-first-message ("n,,n=,r=<nonce>"; the user name in it
// is ignored: the user is the startup packet's), the server answers server-first-message,
// the client sends client-final-message with its proof, the server checks it and answers
// server-final-message ("v=<signature>").
//
// Thread safety: functions are pure; a ScramExchange is used by one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::server::auth {

inline constexpr int kScramIterations = 4096;  // PostgreSQL's default

struct ScramSecret {
  int iterations = 0;
  std::string salt;        // raw bytes
  std::string stored_key;  // raw 32 bytes: H(HMAC(SaltedPassword, "Client Key"))
  std::string server_key;  // raw 32 bytes: HMAC(SaltedPassword, "Server Key")
};

// A new secret with a random 16-byte salt (OpenSSL's RAND_bytes).
ScramSecret MakeScramSecret(std::string_view password, int iterations = kScramIterations);
std::string FormatScramSecret(const ScramSecret& secret);
// InvalidArgument unless `text` is a well-formed secret in the form above.
absl::StatusOr<ScramSecret> ParseScramSecret(std::string_view text);
// True if `password` is the one the secret was made from (constant-time comparison).
bool VerifyScramPassword(const ScramSecret& secret, std::string_view password);

// One server-side exchange.
class ScramExchange {
 public:
  // `secret` is the user's; for an unknown user pass nullptr: the exchange then runs with
  // a made-up secret and always fails at the proof, so a client cannot tell unknown users
  // from wrong passwords.
  explicit ScramExchange(const ScramSecret* secret);
  ~ScramExchange();

  // client-first-message -> server-first-message. InvalidArgument for a malformed message
  // or channel binding requested ("p=...").
  absl::StatusOr<std::string> HandleClientFirst(std::string_view client_first);
  // client-final-message -> server-final-message. Unauthenticated when the proof is wrong
  // (or the user is unknown), InvalidArgument when malformed or the nonce differs.
  absl::StatusOr<std::string> HandleClientFinal(std::string_view client_final);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The client side, for tests and tools: builds client-first, answers server-first, checks
// server-final.
class ScramClient {
 public:
  explicit ScramClient(std::string password);
  ~ScramClient();
  std::string ClientFirst();
  absl::StatusOr<std::string> ClientFinal(std::string_view server_first);
  absl::Status VerifyServerFinal(std::string_view server_final);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace strata::server::auth
