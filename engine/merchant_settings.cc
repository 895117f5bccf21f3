#include "engine/merchant_settings.h"

namespace strata::engine {

MerchantSettingsProvider DefaultMerchantSettings() {
  auto defaults = std::make_shared<const MerchantSettings>();
  return [defaults](std::string_view) { return defaults; };
}

}  // namespace strata::engine
