// The bytes of DIR/tenants.json (docs/security.md): a JSON document, one merchant per line,
// followed by a checksum line "crc32c XXXXXXXX" (CRC-32C of every byte before that line,
// in hex). Used by TenantStore only.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/scram.h"
#include "server/auth/tenants.h"

namespace strata::server::auth::tenants_file {

// Version 2 adds the processing settings to "limits"; a file is written as version 1 while
// no merchant has any, so older releases still read it.
inline constexpr int kFormatVersion = 2;

// One merchant as stored.
struct MerchantRecord {
  std::string merchant;
  int64_t created_us = 0;
  ScramSecret secret;
  std::string write_key;
  std::string api_token_sha256;  // raw 32 bytes
  MerchantLimits limits;
};

// The whole file for `merchants` (written in the given order).
std::string Encode(const std::vector<const MerchantRecord*>& merchants);

// Parses and checks a file's bytes. DataLoss (naming `path`) for a bad checksum, bad JSON,
// or a record that breaks the rules (bad name, duplicate name or write key, bad secret);
// FailedPrecondition for a format version this build does not know.
absl::StatusOr<std::vector<MerchantRecord>> Decode(std::string_view bytes, const std::string& path);

// The merchant id rule of the event decoder, 1-64 characters of [A-Za-z0-9_.-], except
// "." and "..", which would be path segments in the admin API's URLs.
bool IsValidMerchantName(std::string_view name);

}  // namespace strata::server::auth::tenants_file
