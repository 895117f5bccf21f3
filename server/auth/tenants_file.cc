#include "server/auth/tenants_file.h"

#include <simdjson.h>

#include <charconv>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/crc32c.h"
#include "common/json_text.h"
#include "common/status.h"
#include "server/auth/limits.h"

namespace strata::server::auth::tenants_file {
namespace {

constexpr std::string_view kChecksumPrefix = "crc32c ";

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Decoding errors carry the file and, when known, the merchant record's position.
class Decoder {
 public:
  explicit Decoder(const std::string& path) : path_(path) {}

  absl::Status Damaged(std::string_view reason) const {
    return absl::DataLossError(absl::StrCat(
        path_, ": ", record_ >= 0 ? absl::StrCat("merchant record ", record_, ": ") : "",
        AsAbsl(reason),
        "; the file is damaged: restore it from a backup (it is rewritten only by Strata)"));
  }

  absl::StatusOr<std::vector<MerchantRecord>> Run(std::string_view bytes) {
    ASSIGN_OR_RETURN(std::string_view content, CheckChecksum(bytes));
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (simdjson::error_code err = parser.parse(content.data(), content.size()).get(doc)) {
      return Damaged(absl::StrCat("invalid JSON: ", simdjson::error_message(err)));
    }
    simdjson::dom::object root;
    if (doc.get_object().get(root)) return Damaged("expected a JSON object");
    int64_t version = 0;
    if (root["version"].get_int64().get(version)) return Damaged("missing \"version\"");
    if (version < 1 || version > kFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          path_, ": format version ", version, " is not known to this Strata (which writes ",
          kFormatVersion, "); use the Strata release that wrote it"));
    }
    simdjson::dom::array merchants;
    if (root["merchants"].get_array().get(merchants)) return Damaged("missing \"merchants\"");
    std::vector<MerchantRecord> out;
    absl::flat_hash_set<std::string> names, write_keys;
    for (simdjson::dom::element item : merchants) {
      record_ = static_cast<int>(out.size()) + 1;
      ASSIGN_OR_RETURN(MerchantRecord record, DecodeMerchant(item));
      if (!names.insert(record.merchant).second) return Damaged("duplicate merchant");
      if (!write_keys.insert(record.write_key).second) return Damaged("duplicate write key");
      out.push_back(std::move(record));
    }
    return out;
  }

 private:
  absl::StatusOr<std::string_view> CheckChecksum(std::string_view bytes) const {
    if (bytes.empty() || bytes.back() != '\n') return Damaged("missing the checksum line");
    size_t line_start = bytes.rfind('\n', bytes.size() - 2);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    std::string_view line = bytes.substr(line_start, bytes.size() - 1 - line_start);
    std::string_view content = bytes.substr(0, line_start);
    uint32_t stored = 0;
    std::string_view hex = line.substr(std::min(line.size(), kChecksumPrefix.size()));
    auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), stored, 16);
    if (line.substr(0, kChecksumPrefix.size()) != kChecksumPrefix || hex.size() != 8 ||
        ec != std::errc() || end != hex.data() + hex.size()) {
      return Damaged("missing the checksum line");
    }
    uint32_t actual = crc32c::Value(content);
    if (stored != actual) {
      return Damaged(
          absl::StrFormat("checksum mismatch (stored %08x, computed %08x)", stored, actual));
    }
    return content;
  }

  absl::StatusOr<MerchantRecord> DecodeMerchant(simdjson::dom::element item) const {
    simdjson::dom::object obj;
    if (item.get_object().get(obj)) return Damaged("expected an object");
    MerchantRecord r;
    bool seen_name = false, seen_secret = false, seen_key = false, seen_token = false;
    for (simdjson::dom::key_value_pair field : obj) {
      std::string_view key = field.key;
      std::string_view text;
      if (key == "merchant") {
        if (field.value.get_string().get(text) || !IsValidMerchantName(text)) {
          return Damaged("bad \"merchant\"");
        }
        r.merchant = std::string(text);
        seen_name = true;
      } else if (key == "created_us") {
        if (field.value.get_int64().get(r.created_us)) return Damaged("bad \"created_us\"");
      } else if (key == "password") {
        if (field.value.get_string().get(text)) return Damaged("bad \"password\"");
        absl::StatusOr<ScramSecret> secret = ParseScramSecret(text);
        if (!secret.ok()) return Damaged(std::string(secret.status().message()));
        r.secret = *std::move(secret);
        seen_secret = true;
      } else if (key == "write_key") {
        if (field.value.get_string().get(text) || text.empty()) {
          return Damaged("bad \"write_key\"");
        }
        r.write_key = std::string(text);
        seen_key = true;
      } else if (key == "api_token_sha256") {
        if (field.value.get_string().get(text) || text.size() != 64 ||
            text.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
          return Damaged("bad \"api_token_sha256\"");
        }
        r.api_token_sha256 = absl::HexStringToBytes(AsAbsl(text));
        seen_token = true;
      } else if (key == "limits") {
        if (absl::Status s = ParseLimitsJson(field.value, &r.limits, /*reset=*/nullptr); !s.ok()) {
          return Damaged(std::string(s.message()));
        }
      } else {
        return Damaged(absl::StrCat("unknown field \"", AsAbsl(key), "\""));
      }
    }
    if (!seen_name || !seen_secret || !seen_key || !seen_token) {
      return Damaged("missing one of merchant, password, write_key, api_token_sha256");
    }
    if (absl::Status s = ValidateLimits(r.limits, ZoneCheck::kNameOnly); !s.ok()) {
      return Damaged(std::string(s.message()));
    }
    return r;
  }

  const std::string& path_;
  int record_ = -1;  // 1-based position of the record being decoded; -1 outside records
};

}  // namespace

bool IsValidMerchantName(std::string_view name) {
  // "." and ".." would be path segments in the admin API's URLs.
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Encode(const std::vector<const MerchantRecord*>& merchants) {
  bool processing = false;
  for (const MerchantRecord* r : merchants) processing |= HasProcessingOverrides(r->limits);
  std::string out =
      absl::StrCat("{\"version\":", processing ? kFormatVersion : 1, ",\"merchants\":[\n");
  for (size_t i = 0; i < merchants.size(); ++i) {
    const MerchantRecord& r = *merchants[i];
    out.append("{\"merchant\":");
    AppendJsonString(r.merchant, &out);
    absl::StrAppend(&out, ",\"created_us\":", r.created_us, ",\"password\":");
    AppendJsonString(FormatScramSecret(r.secret), &out);
    out.append(",\"write_key\":");
    AppendJsonString(r.write_key, &out);
    absl::StrAppend(&out, ",\"api_token_sha256\":\"",
                    absl::BytesToHexString(AsAbsl(r.api_token_sha256)), "\",\"limits\":");
    AppendLimitsJson(r.limits, &out);
    out.append(i + 1 < merchants.size() ? "},\n" : "}\n");
  }
  out.append("]}\n");
  absl::StrAppend(&out, AsAbsl(kChecksumPrefix), absl::StrFormat("%08x", crc32c::Value(out)), "\n");
  return out;
}

absl::StatusOr<std::vector<MerchantRecord>> Decode(std::string_view bytes,
                                                   const std::string& path) {
  return Decoder(path).Run(bytes);
}

}  // namespace strata::server::auth::tenants_file
