// The SCRAM-SHA-256 machinery behind scram.h, with the nonces as parameters so the RFC 7677
// test vector can be replayed exactly. ScramExchange and ScramClient wrap these classes with
// random nonces; nothing outside server/auth includes this header.
//
// Thread safety: functions are pure; an exchange object is used by one thread.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/auth/scram.h"

namespace strata::server::auth::scram_internal {

inline constexpr size_t kKeySize = 32;  // SHA-256

std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
// Hi(password, salt, i) of RFC 5802: PBKDF2-HMAC-SHA-256 with a 32-byte output.
std::string SaltedPassword(std::string_view password, std::string_view salt, int iterations);
ScramSecret SecretFromSalt(std::string_view password, std::string salt, int iterations);
// `n` random bytes from OpenSSL's RAND_bytes (aborts if the generator fails: no fallback).
std::string RandomBytes(size_t n);
// A nonce of printable characters without ',' made from 18 random bytes (PostgreSQL's size).
std::string RandomNonce();

// The server side with a chosen server nonce.
class ServerExchange {
 public:
  // `secret` is copied; nullptr runs the exchange with a mock secret and always fails.
  ServerExchange(const ScramSecret* secret, std::string server_nonce);

  absl::StatusOr<std::string> HandleClientFirst(std::string_view client_first);
  absl::StatusOr<std::string> HandleClientFinal(std::string_view client_final);

 private:
  enum class Step { kClientFirst, kClientFinal, kDone };
  Step step_ = Step::kClientFirst;
  bool known_user_;
  ScramSecret secret_;
  std::string server_nonce_;
  std::string gs2_header_;         // "n,," or "y,," as the client sent it
  std::string client_first_bare_;  // "n=...,r=..."
  std::string server_first_;
  std::string nonce_;  // client nonce + server nonce
};

// The client side with a chosen client nonce. `user` goes into client-first-message (libpq
// sends it empty; the RFC's example sends "user").
class ClientExchange {
 public:
  ClientExchange(std::string password, std::string client_nonce, std::string user = "");

  std::string ClientFirst();
  absl::StatusOr<std::string> ClientFinal(std::string_view server_first);
  absl::Status VerifyServerFinal(std::string_view server_final);

 private:
  std::string password_;
  std::string client_nonce_;
  std::string user_;
  std::string client_first_bare_;
  std::string expected_server_signature_;  // empty until ClientFinal succeeded
};

}  // namespace strata::server::auth::scram_internal
