// The traffic model of the generator (private to ingest/generator.cc): the session mix,
// the daily cycle, and the weighted tables and word lists that pages, referrers,
// campaigns, devices and countries are drawn from. docs/generator.md explains the numbers.
//
// Invariant: tables indexed by the same enum or by each other stay in step (e.g.
// kOsByDevice has one row per kDevices entry); the static_asserts below check the sizes.
// Everything here is constexpr data: thread-safe by construction.
#pragma once

#include <cstdint>
#include <iterator>
#include <numeric>
#include <string_view>

namespace strata::ingest::gen {

inline constexpr int64_t kMs = 1000;
inline constexpr int64_t kSecond = 1000 * kMs;
inline constexpr int64_t kMinute = 60 * kSecond;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

// Analysts split sessions at 30 minutes of inactivity. The margins on both sides make a
// re-split of the output recover exactly the sessions the generator meant.
inline constexpr int64_t kMaxGapInSession = 29 * kMinute;
inline constexpr int64_t kMinGapBetweenSessions = 31 * kMinute;

// Session mix. Web bounces are single page_views; app sessions always open with app_open.
// 0.87 * 0.46 = 40% single-page_view sessions; engaged sessions convert at 4.2%, so
// 0.6 * 0.042 = 2.5% of sessions end in a purchase.
inline constexpr double kAppSessionShare = 0.13;
inline constexpr double kWebBounceShare = 0.46;
inline constexpr double kPurchaseShareOfEngaged = 0.042;
inline constexpr double kMoreStepsChance = 0.8;  // geometric browse length, mean 4 extra steps
inline constexpr int kMaxBrowseSteps = 60;
inline constexpr int kCheckoutSteps = 4;  // add_to_cart, /cart, /checkout, purchase
inline constexpr double kNewClientShare = 0.35;
inline constexpr uint64_t kLoggedInPermille = 200;
inline constexpr double kUtmShare = 0.30;
// Offline app sessions arrive 1-6 hours late: 0.13 * 0.025 of sessions, ~0.5% of events.
inline constexpr double kOfflineAppSessionShare = 0.025;
inline constexpr double kMinutesLateShare = 0.10;

// Relative traffic per UTC hour: a night trough and an afternoon peak (Europe's evening
// overlapping America's morning).
inline constexpr uint16_t kHourWeights[24] = {28, 22, 18,  16,  16,  20,  28, 40, 55, 68, 78, 86,
                                              92, 98, 104, 108, 108, 104, 96, 86, 72, 58, 46, 36};

struct Country {
  std::string_view code;
  std::string_view language;
  std::string_view second_language;
  uint8_t second_language_percent;
  std::string_view currency;
};
inline constexpr Country kCountries[] = {
    {"US", "en-US", "es-US", 8, "USD"},  {"DE", "de-DE", "en-US", 10, "EUR"},
    {"GB", "en-GB", "en-US", 5, "GBP"},  {"FR", "fr-FR", "en-US", 6, "EUR"},
    {"IN", "en-IN", "hi-IN", 25, "INR"}, {"BR", "pt-BR", "en-US", 5, "BRL"},
    {"CA", "en-CA", "fr-CA", 22, "CAD"}, {"JP", "ja-JP", "en-US", 4, "JPY"},
    {"ES", "es-ES", "ca-ES", 8, "EUR"},  {"IT", "it-IT", "en-US", 5, "EUR"},
    {"NL", "nl-NL", "en-US", 15, "EUR"}, {"AU", "en-AU", "en-US", 5, "AUD"},
    {"MX", "es-MX", "en-US", 6, "MXN"},  {"PL", "pl-PL", "en-US", 6, "PLN"},
    {"SE", "sv-SE", "en-US", 12, "SEK"}, {"CH", "de-CH", "fr-CH", 30, "CHF"},
};
inline constexpr size_t kNumCountries = std::size(kCountries);
inline constexpr uint16_t kCountryWeights[kNumCountries] = {300, 100, 90, 70, 70, 60, 50, 40,
                                                            35,  35,  30, 30, 25, 20, 15, 12};
// A merchant's home market supplies this share of its clients; the rest come from anywhere.
inline constexpr uint64_t kHomeCountryPercent = 55;

inline constexpr std::string_view kDevices[] = {"desktop", "mobile", "tablet"};
inline constexpr uint16_t kWebDeviceWeights[] = {40, 52, 8};
inline constexpr uint16_t kAppDeviceWeights[] = {0, 86, 14};
inline constexpr std::string_view kOses[] = {"Windows",  "macOS",   "Linux",
                                             "ChromeOS", "Android", "iOS"};
inline constexpr uint16_t kOsByDevice[3][6] = {
    {70, 24, 3, 3, 0, 0},  // desktop
    {0, 0, 0, 0, 56, 44},  // mobile
    {0, 0, 0, 0, 38, 62},  // tablet
};
inline constexpr std::string_view kBrowsers[] = {"Chrome", "Edge",  "Firefox",
                                                 "Safari", "Opera", "Samsung Internet"};
inline constexpr uint8_t kNoBrowser = 255;  // app clients send no browser
inline constexpr uint16_t kBrowserByOs[6][6] = {
    {66, 20, 9, 0, 5, 0},  // Windows
    {40, 3, 7, 50, 0, 0},  // macOS
    {60, 0, 40, 0, 0, 0},  // Linux
    {100, 0, 0, 0, 0, 0},  // ChromeOS
    {74, 0, 4, 0, 3, 19},  // Android
    {14, 0, 2, 84, 0, 0},  // iOS
};

// Index 0 is direct traffic (no referrer).
inline constexpr std::string_view kReferrers[] = {
    "",
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://duckduckgo.com/",
    "https://m.facebook.com/",
    "https://l.instagram.com/",
    "https://www.reddit.com/",
    "https://t.co/",
    "https://www.pinterest.com/",
    "https://www.youtube.com/",
    "https://chatgpt.com/",
    "https://www.tiktok.com/",
    "https://www.retailmenot.com/",
};
inline constexpr uint16_t kOrganicReferrerWeights[] = {350, 380, 40, 20, 60, 40, 20,
                                                       20,  20,  20, 20, 10, 0};

struct Campaign {
  std::string_view source, medium, campaign;
  uint8_t referrer;
};
inline constexpr Campaign kCampaigns[] = {
    {"google", "cpc", "black_friday_2026", 1},
    {"google", "cpc", "brand_search", 1},
    {"facebook", "paid_social", "retargeting_q4", 4},
    {"instagram", "paid_social", "holiday_gifts", 5},
    {"newsletter", "email", "weekly_digest", 0},
    {"newsletter", "email", "cart_reminder", 0},
    {"tiktok", "paid_social", "ugc_creators", 11},
    {"bing", "cpc", "brand_search", 2},
    {"retailmenot", "affiliate", "partner_network", 12},
};
inline constexpr uint16_t kCampaignWeights[] = {25, 15, 15, 10, 15, 5, 7, 3, 5};

enum EventType : uint8_t { kPageView, kScroll, kClick, kAddToCart, kPurchase, kAppOpen };
inline constexpr std::string_view kEventNames[] = {"page_view",   "scroll",   "click",
                                                   "add_to_cart", "purchase", "app_open"};

enum ParamKind : uint8_t { kNoParam, kScrollDepth, kButton, kQuantity, kCurrency, kAppVersion };
inline constexpr uint16_t kScrollDepths[] = {25, 50, 75, 90};
inline constexpr uint16_t kScrollDepthWeights[] = {35, 30, 20, 15};
inline constexpr std::string_view kButtons[] = {
    "buy",        "add_to_wishlist",   "menu",       "filter",
    "image_zoom", "newsletter_signup", "size_guide", "share"};
inline constexpr uint16_t kButtonWeights[] = {22, 10, 20, 16, 14, 6, 7, 5};
inline constexpr uint16_t kQuantityWeights[] = {0, 80, 15, 5};  // index = quantity

enum PageKind : uint8_t {
  kNoPage,
  kHome,
  kProduct,
  kCategory,
  kCart,
  kCheckout,
  kThankYou,
  kBlog,
  kSearch,
  kAccount
};
// Weights over PageKind for the landing page and for later navigation.
inline constexpr uint16_t kLandingWeights[] = {0, 30, 34, 16, 0, 0, 0, 12, 3, 0};
inline constexpr uint16_t kNavigationWeights[] = {0, 10, 46, 20, 8, 0, 0, 4, 10, 2};

// A word as it appears in a URL slug and in a page title.
struct Word {
  std::string_view slug;
  std::string_view title;
};
inline constexpr Word kAdjectives[] = {
    {"classic", "Classic"},
    {"vintage", "Vintage"},
    {"organic", "Organic"},
    {"slim", "Slim"},
    {"everyday", "Everyday"},
    {"premium", "Premium"},
    {"cozy", "Cozy"},
    {"urban", "Urban"},
    {"nordic", "Nordic"},
    {"rustic", "Rustic"},
    {"modern", "Modern"},
    {"essential", "Essential"},
    {"lightweight", "Lightweight"},
    {"handmade", "Handmade"},
    {"coastal", "Coastal"},
    {"alpine", "Alpine"},
};
inline constexpr Word kMaterials[] = {
    {"cotton", "Cotton"}, {"linen", "Linen"},   {"wool", "Wool"},       {"leather", "Leather"},
    {"denim", "Denim"},   {"bamboo", "Bamboo"}, {"ceramic", "Ceramic"}, {"oak", "Oak"},
    {"steel", "Steel"},   {"silk", "Silk"},     {"canvas", "Canvas"},   {"cashmere", "Cashmere"},
};
inline constexpr Word kNouns[] = {
    {"shirt", "Shirt"},       {"sweater", "Sweater"},
    {"jacket", "Jacket"},     {"scarf", "Scarf"},
    {"sneakers", "Sneakers"}, {"boots", "Boots"},
    {"backpack", "Backpack"}, {"tote", "Tote"},
    {"mug", "Mug"},           {"lamp", "Lamp"},
    {"blanket", "Blanket"},   {"candle", "Candle"},
    {"notebook", "Notebook"}, {"watch", "Watch"},
    {"wallet", "Wallet"},     {"hat", "Hat"},
    {"socks", "Socks"},       {"dress", "Dress"},
    {"jeans", "Jeans"},       {"bottle", "Bottle"},
    {"chair", "Chair"},       {"rug", "Rug"},
    {"pillow", "Pillow"},     {"teapot", "Teapot"},
    {"bowl", "Bowl"},         {"sunglasses", "Sunglasses"},
    {"belt", "Belt"},         {"gloves", "Gloves"},
    {"apron", "Apron"},       {"planter", "Planter"},
};
inline constexpr Word kCategories[] = {
    {"women", "Women"},
    {"men", "Men"},
    {"kids", "Kids"},
    {"home", "Home"},
    {"kitchen", "Kitchen"},
    {"accessories", "Accessories"},
    {"shoes", "Shoes"},
    {"sale", "Sale"},
    {"new-arrivals", "New Arrivals"},
    {"gifts", "Gifts"},
    {"outdoor", "Outdoor"},
    {"beauty", "Beauty"},
    {"bags", "Bags"},
    {"jewelry", "Jewelry"},
    {"stationery", "Stationery"},
    {"best-sellers", "Best Sellers"},
};
inline constexpr Word kBlogTemplates[] = {
    {"how-to-care-for-your", "How to Care for Your"},
    {"5-ways-to-style-a", "5 Ways to Style a"},
    {"the-ultimate-guide-to-the", "The Ultimate Guide to the"},
    {"why-we-love-our", "Why We Love Our"},
    {"behind-the-scenes-of-the", "Behind the Scenes of the"},
    {"gift-ideas-with-a", "Gift Ideas with a"},
    {"how-we-make-the", "How We Make the"},
    {"choosing-the-right", "Choosing the Right"},
};
inline constexpr std::string_view kColors[] = {"red",  "blue", "black", "white", "green",
                                               "grey", "navy", "pink",  "beige", "brown"};
inline constexpr std::string_view kShopFirst[] = {
    "Nordic", "Urban",  "Golden", "Little",  "Wild",  "Blue",   "Green",   "Happy",
    "Modern", "Simple", "Bright", "Coastal", "Maple", "Silver", "Maria's", "Cedar"};
inline constexpr std::string_view kShopSecond[] = {
    "Goods", "Supply",   "Store",    "Market", "Studio",  "Outfitters",
    "& Co.", "Emporium", "Boutique", "House",  "Trading", "Collective"};

inline constexpr uint32_t kProductCombos =
    std::size(kAdjectives) * std::size(kMaterials) * std::size(kNouns);
// Coprime with kProductCombos, so product index -> word combination is injective.
inline constexpr uint32_t kProductStride = 7919;
static_assert(std::gcd(kProductCombos, kProductStride) == 1);

static_assert(std::size(kOsByDevice) == std::size(kDevices));
static_assert(std::size(kBrowserByOs) == std::size(kOses));
static_assert(std::size(kOrganicReferrerWeights) == std::size(kReferrers));
static_assert(std::size(kCampaignWeights) == std::size(kCampaigns));
static_assert(std::size(kLandingWeights) == kAccount + 1);
static_assert(std::size(kNavigationWeights) == kAccount + 1);
static_assert(std::size(kButtonWeights) == std::size(kButtons));

}  // namespace strata::ingest::gen
