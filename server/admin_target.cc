#include "server/admin_target.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/http_client.h"
#include "common/status.h"
#include "server/auth/tenants_file.h"
#include "storage/file.h"

namespace strata::server {
namespace {

constexpr uint16_t kDefaultHttpPort = 8080;
constexpr char kMerchantsPath[] = "/api/v1/admin/merchants";

class StoreTarget : public AdminTarget {
 public:
  explicit StoreTarget(std::unique_ptr<auth::TenantStore> store) : store_(std::move(store)) {}

  absl::StatusOr<auth::Credentials> Add(const auth::AddMerchantRequest& request) override {
    return store_->AddMerchant(request.merchant, request.password, request.limits);
  }
  absl::StatusOr<std::vector<auth::MerchantInfo>> List() override { return store_->List(); }
  absl::StatusOr<auth::Credentials> Rotate(const std::string& merchant, RotateWhat what) override {
    switch (what) {
      case RotateWhat::kPassword:
        return store_->RotatePassword(merchant);
      case RotateWhat::kApiToken:
        return store_->RotateApiToken(merchant);
      case RotateWhat::kWriteKey:
        break;
    }
    return store_->RotateWriteKey(merchant);
  }
  absl::Status Remove(const std::string& merchant) override {
    return store_->RemoveMerchant(merchant);
  }
  absl::StatusOr<auth::MerchantInfo> ChangeLimits(const std::string& merchant,
                                                  const auth::LimitsChange& change) override {
    RETURN_IF_ERROR(store_->ChangeLimits(merchant, change).status());
    for (auth::MerchantInfo& info : store_->List()) {
      if (info.merchant == merchant) return std::move(info);
    }
    return absl::NotFoundError(absl::StrCat("no merchant \"", merchant, "\""));
  }

  absl::StatusOr<std::string> StatusJson() override {
    return absl::FailedPreconditionError(
        "status needs --server http://HOST:PORT: only a running server has ingest state");
  }

 private:
  std::unique_ptr<auth::TenantStore> store_;
};

class ServerTarget : public AdminTarget {
 public:
  ServerTarget(std::string url, std::string host, uint16_t port, std::string authorization,
               absl::Duration timeout)
      : url_(std::move(url)),
        client_(std::move(host), port, timeout),
        authorization_(std::move(authorization)) {}

  absl::StatusOr<auth::Credentials> Add(const auth::AddMerchantRequest& request) override {
    ASSIGN_OR_RETURN(std::string body,
                     Call("POST", kMerchantsPath, auth::AddMerchantRequestToJson(request), 201));
    return auth::ParseCredentialsJson(body);
  }

  absl::StatusOr<std::vector<auth::MerchantInfo>> List() override {
    ASSIGN_OR_RETURN(std::string body, Call("GET", kMerchantsPath, "", 200));
    return auth::ParseMerchantListJson(body);
  }

  absl::StatusOr<auth::Credentials> Rotate(const std::string& merchant, RotateWhat what) override {
    const char* action = what == RotateWhat::kPassword   ? "rotate-password"
                         : what == RotateWhat::kApiToken ? "rotate-token"
                                                         : "rotate-key";
    ASSIGN_OR_RETURN(std::string path, MerchantPath(merchant));
    ASSIGN_OR_RETURN(std::string body, Call("POST", absl::StrCat(path, "/", action), "", 200));
    return auth::ParseCredentialsJson(body);
  }

  absl::Status Remove(const std::string& merchant) override {
    ASSIGN_OR_RETURN(std::string path, MerchantPath(merchant));
    ASSIGN_OR_RETURN(std::string body, Call("DELETE", path, "", 200));
    return auth::ParseRemovedJson(body).status();
  }

  absl::StatusOr<auth::MerchantInfo> ChangeLimits(const std::string& merchant,
                                                  const auth::LimitsChange& change) override {
    ASSIGN_OR_RETURN(std::string path, MerchantPath(merchant));
    ASSIGN_OR_RETURN(std::string body, Call("PATCH", path, auth::LimitsChangeToJson(change), 200));
    return auth::ParseMerchantInfoJson(body);
  }

 private:
  // Names go into the URL path, so only valid ones (which need no escaping) are sent.
  absl::StatusOr<std::string> StatusJson() override {
    return Call("GET", "/api/v1/admin/status", "", 200);
  }

  static absl::StatusOr<std::string> MerchantPath(const std::string& merchant) {
    if (!auth::tenants_file::IsValidMerchantName(merchant)) {
      return absl::NotFoundError(absl::StrCat("no merchant \"", merchant, "\""));
    }
    return absl::StrCat(kMerchantsPath, "/", merchant);
  }

  absl::StatusOr<std::string> Call(std::string_view method, const std::string& target,
                                   std::string_view body, int expected_status) {
    client::HttpHeaders headers = {{"Authorization", authorization_}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<client::HttpResponse> response = client_.Request(method, target, body, headers);
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat("cannot reach the server at ", url_, ": ",
                                       std::string(response.status().message())));
    }
    if (response->status == expected_status) return std::move(response->body);
    std::string message = auth::ParseErrorJson(response->body);
    if (message.empty()) message = response->body.substr(0, 200);
    message = absl::StrCat("server answered HTTP ", response->status, message.empty() ? "" : ": ",
                           message);
    switch (response->status) {
      case 400:
        return absl::InvalidArgumentError(message);
      case 401:
        return absl::UnauthenticatedError(
            absl::StrCat(message, " (check --user and --admin-password)"));
      case 403:
        return absl::PermissionDeniedError(message);
      case 404:
        return absl::NotFoundError(message);
      case 409:
        return absl::AlreadyExistsError(message);
      default:
        return absl::UnknownError(message);
    }
  }

  std::string url_;
  client::HttpClient client_;
  std::string authorization_;
};

}  // namespace

namespace {
std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
}  // namespace

std::string DefaultAdminUser() { return EnvOr("STRATA_AUTH_ADMIN_USER", "strata"); }

std::string AdminPassword(const std::string& flag) {
  return flag.empty() ? EnvOr("STRATA_AUTH_ADMIN_PASSWORD", "strata") : flag;
}

absl::StatusOr<std::pair<std::string, uint16_t>> ParseServerUrl(std::string_view url) {
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--server ", std::string(url), ": ", std::string(why), " (expected http://HOST:PORT)"));
  };
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, 8) == "https://") return invalid("the server speaks plain HTTP (no TLS)");
  if (url.substr(0, kScheme.size()) != kScheme) return invalid("must start with http://");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return invalid("no path is expected");
  std::string host;
  std::string_view port_text;
  if (!rest.empty() && rest[0] == '[') {  // [v6 address]
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return invalid("unclosed '['");
    host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return invalid("expected ':' after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return invalid("empty port");
    }
  } else {
    size_t colon = rest.rfind(':');
    host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return invalid("empty port");
    }
  }
  if (host.empty()) return invalid("no host");
  uint32_t port = kDefaultHttpPort;
  if (!port_text.empty() &&
      (!absl::SimpleAtoi(std::string(port_text), &port) || port == 0 || port > 65535)) {
    return invalid("bad port");
  }
  return std::make_pair(std::move(host), static_cast<uint16_t>(port));
}

absl::StatusOr<std::unique_ptr<AdminTarget>> OpenStoreTarget(const std::string& data_dir,
                                                             const std::string& admin_user) {
  if (!storage::FileExists(data_dir)) {
    return absl::NotFoundError(
        absl::StrCat("data directory ", data_dir,
                     " does not exist (create it, or start `strata serve` once to initialize it)"));
  }
  auth::TenantStoreOptions options;
  options.admin_user = admin_user;
  ASSIGN_OR_RETURN(std::unique_ptr<auth::TenantStore> store,
                   auth::TenantStore::Open(data_dir, options));
  return std::unique_ptr<AdminTarget>(new StoreTarget(std::move(store)));
}

absl::StatusOr<std::unique_ptr<AdminTarget>> OpenServerTarget(std::string_view url,
                                                              const std::string& user,
                                                              const std::string& password,
                                                              absl::Duration timeout) {
  ASSIGN_OR_RETURN(auto address, ParseServerUrl(url));
  return std::unique_ptr<AdminTarget>(
      new ServerTarget(std::string(url), std::move(address.first), address.second,
                       client::BasicAuthorization(user, password), timeout));
}

}  // namespace strata::server
