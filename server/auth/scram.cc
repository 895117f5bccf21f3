#include "server/auth/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "server/auth/scram_internal.h"

namespace strata::server::auth {
namespace {

using scram_internal::kKeySize;
using scram_internal::RandomBytes;

constexpr std::string_view kSecretPrefix = "SCRAM-SHA-256$";
constexpr size_t kSaltSize = 16;         // PostgreSQL's default
constexpr size_t kNonceRandomSize = 18;  // PostgreSQL's SCRAM_RAW_NONCE_LEN

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Base64(std::string_view raw) { return absl::Base64Escape(AsAbsl(raw)); }

// Strict base64: only the canonical padded form that Base64Escape produces is accepted.
bool DecodeBase64(std::string_view text, std::string* out) {
  if (!absl::Base64Unescape(AsAbsl(text), out)) return false;
  return Base64(*out) == text;
}

std::string Xor(std::string_view a, std::string_view b) {
  std::string out(a);
  for (size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] = static_cast<char>(a[i] ^ b[i]);
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A nonce is printable ASCII without ',' (RFC 5802 "printable").
bool IsValidNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

bool ParseIterations(std::string_view text, int* out) {
  if (text.empty() || text[0] == '+' || text[0] == '-') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out > 0;
}

// One "x=value" attribute of a SCRAM message.
struct Attribute {
  char name = 0;
  std::string_view value;
};

absl::StatusOr<std::vector<Attribute>> SplitAttributes(std::string_view message,
                                                       std::string_view what) {
  std::vector<Attribute> out;
  for (absl::string_view part : absl::StrSplit(AsAbsl(message), ',')) {
    if (part.size() < 2 || part[1] != '=' ||
        !((part[0] >= 'a' && part[0] <= 'z') || (part[0] >= 'A' && part[0] <= 'Z'))) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed SCRAM ", AsAbsl(what), ": bad attribute \"", part, "\""));
    }
    out.push_back({part[0], std::string_view(part.data() + 2, part.size() - 2)});
  }
  return out;
}

absl::Status Malformed(std::string_view what, std::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed SCRAM ", AsAbsl(what), ": ", AsAbsl(reason)));
}

// The stand-in for unknown users: one random secret per process, so repeated attempts for
// the same unknown user see the same salt, like a real user's.
const ScramSecret& MockSecret() {
  static const ScramSecret* secret = [] {
    auto* s = new ScramSecret;
    s->iterations = kScramIterations;
    s->salt = RandomBytes(kSaltSize);
    s->stored_key = RandomBytes(kKeySize);
    s->server_key = RandomBytes(kKeySize);
    return s;
  }();
  return *secret;
}

}  // namespace

namespace scram_internal {

std::string Sha256(std::string_view data) {
  std::string out(kKeySize, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(kKeySize, '\0');
  unsigned int len = 0;
  unsigned char* ok = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                           reinterpret_cast<unsigned char*>(out.data()), &len);
  STRATA_CHECK(ok != nullptr && len == kKeySize, "HMAC-SHA-256 failed");
  return out;
}

std::string SaltedPassword(std::string_view password, std::string_view salt, int iterations) {
  std::string out(kKeySize, '\0');
  int ok =
      PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(kKeySize), reinterpret_cast<unsigned char*>(out.data()));
  STRATA_CHECK(ok == 1, "PBKDF2-HMAC-SHA-256 failed");
  return out;
}

ScramSecret SecretFromSalt(std::string_view password, std::string salt, int iterations) {
  std::string salted = SaltedPassword(password, salt, iterations);
  ScramSecret secret;
  secret.iterations = iterations;
  secret.salt = std::move(salt);
  secret.stored_key = Sha256(HmacSha256(salted, "Client Key"));
  secret.server_key = HmacSha256(salted, "Server Key");
  return secret;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  STRATA_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1,
               "RAND_bytes failed");
  return out;
}

std::string RandomNonce() { return Base64(RandomBytes(kNonceRandomSize)); }

ServerExchange::ServerExchange(const ScramSecret* secret, std::string server_nonce)
    : known_user_(secret != nullptr),
      secret_(secret != nullptr ? *secret : MockSecret()),
      server_nonce_(std::move(server_nonce)) {}

absl::StatusOr<std::string> ServerExchange::HandleClientFirst(std::string_view client_first) {
  constexpr std::string_view kWhat = "client-first-message";
  if (step_ != Step::kClientFirst) {
    return absl::FailedPreconditionError("SCRAM client-first-message already handled");
  }
  step_ = Step::kDone;  // any error ends the exchange
  // gs2-header: cbind-flag "," [authzid] ","
  if (client_first.empty()) return Malformed(kWhat, "empty");
  switch (client_first[0]) {
    case 'n':
    case 'y':  // the client supports channel binding but thinks we do not: fine without TLS
      break;
    case 'p':
      return absl::InvalidArgumentError(
          "SCRAM channel binding was requested, but the server does not support it (no TLS)");
    default:
      return Malformed(kWhat, "unexpected channel-binding flag");
  }
  if (client_first.size() < 2 || client_first[1] != ',') return Malformed(kWhat, "expected ','");
  size_t authzid_end = client_first.find(',', 2);
  if (authzid_end == std::string_view::npos) return Malformed(kWhat, "missing gs2 header end");
  if (authzid_end != 2) {
    return absl::InvalidArgumentError(
        "SCRAM client uses an authorization identity, which is not supported");
  }
  gs2_header_ = std::string(client_first.substr(0, 3));
  std::string_view bare = client_first.substr(3);
  ASSIGN_OR_RETURN(std::vector<Attribute> attrs, SplitAttributes(bare, kWhat));
  if (!attrs.empty() && attrs[0].name == 'm') {
    return Malformed(kWhat, "mandatory extensions are not supported");
  }
  // The user name ("n=") is ignored: PostgreSQL takes the user from the startup packet.
  if (attrs.size() < 2 || attrs[0].name != 'n') return Malformed(kWhat, "expected n=");
  if (attrs[1].name != 'r') return Malformed(kWhat, "expected r=");
  if (!IsValidNonce(attrs[1].value)) return Malformed(kWhat, "invalid nonce");
  client_first_bare_ = std::string(bare);
  nonce_ = absl::StrCat(AsAbsl(attrs[1].value), server_nonce_);
  server_first_ =
      absl::StrCat("r=", nonce_, ",s=", Base64(secret_.salt), ",i=", secret_.iterations);
  step_ = Step::kClientFinal;
  return server_first_;
}

absl::StatusOr<std::string> ServerExchange::HandleClientFinal(std::string_view client_final) {
  constexpr std::string_view kWhat = "client-final-message";
  if (step_ != Step::kClientFinal) {
    return absl::FailedPreconditionError("SCRAM client-final-message out of order");
  }
  step_ = Step::kDone;
  size_t proof_at = client_final.rfind(",p=");
  if (proof_at == std::string_view::npos) return Malformed(kWhat, "missing proof");
  std::string_view without_proof = client_final.substr(0, proof_at);
  std::string_view proof_b64 = client_final.substr(proof_at + 3);
  ASSIGN_OR_RETURN(std::vector<Attribute> attrs, SplitAttributes(without_proof, kWhat));
  if (attrs.size() < 2 || attrs[0].name != 'c' || attrs[1].name != 'r') {
    return Malformed(kWhat, "expected c= and r=");
  }
  std::string binding;
  if (!DecodeBase64(attrs[0].value, &binding)) return Malformed(kWhat, "invalid c= base64");
  if (binding != gs2_header_) {
    return Malformed(kWhat, "channel binding data does not match the client-first-message");
  }
  if (attrs[1].value != nonce_) return Malformed(kWhat, "nonce does not match");
  std::string proof;
  if (!DecodeBase64(proof_b64, &proof) || proof.size() != kKeySize) {
    return Malformed(kWhat, "invalid proof");
  }
  std::string auth_message =
      absl::StrCat(client_first_bare_, ",", server_first_, ",", AsAbsl(without_proof));
  std::string client_signature = HmacSha256(secret_.stored_key, auth_message);
  std::string client_key = Xor(proof, client_signature);
  bool match = ConstantTimeEqual(Sha256(client_key), secret_.stored_key);
  if (!match || !known_user_) {
    return absl::UnauthenticatedError("SCRAM proof does not match the password");
  }
  return absl::StrCat("v=", Base64(HmacSha256(secret_.server_key, auth_message)));
}

ClientExchange::ClientExchange(std::string password, std::string client_nonce, std::string user)
    : password_(std::move(password)),
      client_nonce_(std::move(client_nonce)),
      user_(std::move(user)) {}

std::string ClientExchange::ClientFirst() {
  // saslname escaping (RFC 5802): ',' -> "=2C", '=' -> "=3D".
  std::string name = absl::StrReplaceAll(user_, {{"=", "=3D"}, {",", "=2C"}});
  client_first_bare_ = absl::StrCat("n=", name, ",r=", client_nonce_);
  return absl::StrCat("n,,", client_first_bare_);
}

absl::StatusOr<std::string> ClientExchange::ClientFinal(std::string_view server_first) {
  constexpr std::string_view kWhat = "server-first-message";
  if (client_first_bare_.empty()) {
    return absl::FailedPreconditionError("SCRAM ClientFirst() was not called");
  }
  ASSIGN_OR_RETURN(std::vector<Attribute> attrs, SplitAttributes(server_first, kWhat));
  if (attrs.size() < 3 || attrs[0].name != 'r' || attrs[1].name != 's' || attrs[2].name != 'i') {
    return Malformed(kWhat, "expected r=, s=, i=");
  }
  std::string_view nonce = attrs[0].value;
  if (nonce.size() <= client_nonce_.size() ||
      nonce.substr(0, client_nonce_.size()) != client_nonce_ || !IsValidNonce(nonce)) {
    return Malformed(kWhat, "nonce does not extend the client's");
  }
  std::string salt;
  if (!DecodeBase64(attrs[1].value, &salt) || salt.empty()) return Malformed(kWhat, "invalid salt");
  int iterations = 0;
  if (!ParseIterations(attrs[2].value, &iterations)) {
    return Malformed(kWhat, "invalid iteration count");
  }
  std::string salted = SaltedPassword(password_, salt, iterations);
  std::string client_key = HmacSha256(salted, "Client Key");
  std::string stored_key = Sha256(client_key);
  std::string without_proof = absl::StrCat("c=biws,r=", AsAbsl(nonce));  // biws = "n,,"
  std::string auth_message =
      absl::StrCat(client_first_bare_, ",", AsAbsl(server_first), ",", without_proof);
  std::string proof = Xor(client_key, HmacSha256(stored_key, auth_message));
  expected_server_signature_ = HmacSha256(HmacSha256(salted, "Server Key"), auth_message);
  return absl::StrCat(without_proof, ",p=", Base64(proof));
}

absl::Status ClientExchange::VerifyServerFinal(std::string_view server_final) {
  if (expected_server_signature_.empty()) {
    return absl::FailedPreconditionError("SCRAM ClientFinal() did not succeed");
  }
  if (server_final.substr(0, 2) == "e=") {
    return absl::UnauthenticatedError(
        absl::StrCat("SCRAM server error: ", AsAbsl(server_final.substr(2))));
  }
  std::string signature;
  if (server_final.substr(0, 2) != "v=" || !DecodeBase64(server_final.substr(2), &signature)) {
    return Malformed("server-final-message", "expected v=<signature>");
  }
  if (!ConstantTimeEqual(signature, expected_server_signature_)) {
    return absl::UnauthenticatedError("SCRAM server signature does not match: wrong server");
  }
  return absl::OkStatus();
}

}  // namespace scram_internal

ScramSecret MakeScramSecret(std::string_view password, int iterations) {
  return scram_internal::SecretFromSalt(password, RandomBytes(kSaltSize), iterations);
}

std::string FormatScramSecret(const ScramSecret& secret) {
  return absl::StrCat(AsAbsl(kSecretPrefix), secret.iterations, ":", Base64(secret.salt), "$",
                      Base64(secret.stored_key), ":", Base64(secret.server_key));
}

absl::StatusOr<ScramSecret> ParseScramSecret(std::string_view text) {
  auto invalid = [](std::string_view reason) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid SCRAM-SHA-256 secret: ", AsAbsl(reason)));
  };
  if (text.substr(0, kSecretPrefix.size()) != kSecretPrefix) {
    return invalid("expected the prefix SCRAM-SHA-256$");
  }
  std::string_view rest = text.substr(kSecretPrefix.size());
  // <iterations>:<salt>$<StoredKey>:<ServerKey>
  size_t colon1 = rest.find(':');
  size_t dollar = rest.find('$');
  if (colon1 == std::string_view::npos || dollar == std::string_view::npos || dollar < colon1) {
    return invalid("expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
  }
  size_t colon2 = rest.find(':', dollar);
  if (colon2 == std::string_view::npos) return invalid("expected <StoredKey>:<ServerKey>");
  ScramSecret secret;
  if (!ParseIterations(rest.substr(0, colon1), &secret.iterations)) {
    return invalid("bad iteration count");
  }
  if (!DecodeBase64(rest.substr(colon1 + 1, dollar - colon1 - 1), &secret.salt) ||
      secret.salt.empty()) {
    return invalid("bad salt");
  }
  if (!DecodeBase64(rest.substr(dollar + 1, colon2 - dollar - 1), &secret.stored_key) ||
      secret.stored_key.size() != kKeySize) {
    return invalid("bad StoredKey");
  }
  if (!DecodeBase64(rest.substr(colon2 + 1), &secret.server_key) ||
      secret.server_key.size() != kKeySize) {
    return invalid("bad ServerKey");
  }
  return secret;
}

bool VerifyScramPassword(const ScramSecret& secret, std::string_view password) {
  if (secret.iterations <= 0 || secret.stored_key.size() != kKeySize) return false;
  std::string salted = scram_internal::SaltedPassword(password, secret.salt, secret.iterations);
  std::string stored_key = scram_internal::Sha256(scram_internal::HmacSha256(salted, "Client Key"));
  return ConstantTimeEqual(stored_key, secret.stored_key);
}

struct ScramExchange::State {
  scram_internal::ServerExchange exchange;
};

ScramExchange::ScramExchange(const ScramSecret* secret)
    : state_(new State{scram_internal::ServerExchange(secret, scram_internal::RandomNonce())}) {}
ScramExchange::~ScramExchange() = default;

absl::StatusOr<std::string> ScramExchange::HandleClientFirst(std::string_view client_first) {
  return state_->exchange.HandleClientFirst(client_first);
}

absl::StatusOr<std::string> ScramExchange::HandleClientFinal(std::string_view client_final) {
  return state_->exchange.HandleClientFinal(client_final);
}

struct ScramClient::State {
  scram_internal::ClientExchange exchange;
};

ScramClient::ScramClient(std::string password)
    : state_(new State{
          scram_internal::ClientExchange(std::move(password), scram_internal::RandomNonce())}) {}
ScramClient::~ScramClient() = default;

std::string ScramClient::ClientFirst() { return state_->exchange.ClientFirst(); }

absl::StatusOr<std::string> ScramClient::ClientFinal(std::string_view server_first) {
  return state_->exchange.ClientFinal(server_first);
}

absl::Status ScramClient::VerifyServerFinal(std::string_view server_final) {
  return state_->exchange.VerifyServerFinal(server_final);
}

}  // namespace strata::server::auth
