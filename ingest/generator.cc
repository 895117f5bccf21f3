// The traffic generator: a discrete-event simulation of sessions in event-time order whose
// events wait in a min-heap keyed by arrival time (docs/generator.md).
//
// Pipeline: PlanBucket draws one hour's sessions (shapes and sorted start times) so that
// the hour holds exactly its quota of events; GenerateOne starts planned sessions and
// steps active ones in event-time order, pushing compact Records into the arrival heap;
// Next pops a Record once no later-generated event can arrive before it and rebuilds the
// strings (Materialize). AppendJson is at the end.
#include "ingest/generator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "ingest/generator_model.h"
#include "ingest/generator_random.h"

namespace strata::ingest {
namespace {

using engine::Event;
using engine::Param;
using namespace gen;  // NOLINT(build/namespaces): the generator's private vocabulary

constexpr int64_t kInSession = std::numeric_limits<int64_t>::max();

// ---------------------------------------------------------------------------------------
// Records of the simulation.

struct Traits {
  uint8_t device = 0, os = 0, browser = kNoBrowser, country = 0;
  bool second_language = false, logged_in = false, app = false;
};

// One event, compact: strings are rebuilt from indices when the event leaves the buffer,
// so the buffer holds no heap memory per event.
struct Record {
  int64_t ts_us;
  uint64_t client_hash;
  int64_t session_start_us;
  uint64_t event_id;  // random bits, app events only
  uint32_t merchant;
  uint32_t page_index;
  uint32_t item;  // product index + 1; 0 = none
  uint32_t value_cents;
  Traits traits;
  uint8_t event;
  uint8_t page_kind;
  uint8_t referrer;
  uint8_t utm;  // kCampaigns index + 1; 0 = none
  uint8_t param;
  uint8_t param_value;
};

struct Session {
  int64_t start_us;
  int64_t delay_us;  // extra lateness of an offline app session
  uint64_t client_hash;
  uint32_t merchant;
  uint32_t client;
  uint32_t page_index;
  uint32_t cart_item;  // product index + 1
  uint16_t position;
  uint16_t length;
  bool purchase;
  Traits traits;
  uint8_t page_kind;
  uint8_t referrer;
  uint8_t utm;
};

struct Plan {
  int64_t start_us;
  uint32_t merchant;
  uint16_t length;
  bool app;
  bool purchase;
};

struct Merchant {
  std::string id;    // "shop-000042"
  std::string name;  // "Nordic Goods"
  uint64_t salt;
  uint32_t products;
  uint32_t categories;
  uint32_t category_offset;
  uint32_t blog_posts;
  uint8_t home_country;
  // Last event time per client (kInSession while a session runs), web [0] and app [1].
  std::vector<int64_t> clients[2];
};

// Heap entries point into slabs. Keys (time, tie) are unique, so any correct heap pops in
// the same order on every standard library.
struct HeapEntry {
  int64_t time;
  uint64_t tie;
  uint32_t slot;
};
struct Later {
  bool operator()(const HeapEntry& a, const HeapEntry& b) const {
    return a.time != b.time ? a.time > b.time : a.tie > b.tie;
  }
};

// A vector of T with recycled slots, addressed by HeapEntry::slot.
template <typename T>
class Slab {
 public:
  uint32_t Put(const T& v) {
    if (free_.empty()) {
      items_.push_back(v);
      return static_cast<uint32_t>(items_.size() - 1);
    }
    const uint32_t slot = free_.back();
    free_.pop_back();
    items_[slot] = v;
    return slot;
  }
  void Free(uint32_t slot) { free_.push_back(slot); }
  T& operator[](uint32_t slot) { return items_[slot]; }

 private:
  std::vector<T> items_;
  std::vector<uint32_t> free_;
};

// ---------------------------------------------------------------------------------------
// Model helpers that depend on nothing but their inputs.

uint64_t ClientHash(uint64_t seed, uint32_t merchant, bool app, uint32_t client) {
  return Mix64(Mix64(seed ^ ((uint64_t{merchant} << 1) | (app ? 1 : 0))) + client * kGolden);
}

// A client's device, browser, country... are functions of its hash: stable across its
// sessions without being stored.
Traits DeriveTraits(uint64_t client_hash, uint8_t home_country, bool app) {
  HashStream h(client_hash);
  Traits t;
  t.app = app;
  t.device = PickWeighted(app ? kAppDeviceWeights : kWebDeviceWeights, h.Next());
  t.os = PickWeighted(kOsByDevice[t.device], h.Next());
  if (!app) t.browser = PickWeighted(kBrowserByOs[t.os], h.Next());
  t.country =
      h.Below(100) < kHomeCountryPercent ? home_country : PickWeighted(kCountryWeights, h.Next());
  t.second_language = h.Below(100) < kCountries[t.country].second_language_percent;
  t.logged_in = h.Below(1000) < kLoggedInPermille;
  return t;
}

struct ProductWords {
  const Word* adjective;
  const Word* material;
  const Word* noun;
};

ProductWords WordsOfProduct(uint64_t salt, uint32_t product) {
  uint32_t combo =
      static_cast<uint32_t>((uint64_t{product} * kProductStride + salt) % kProductCombos);
  ProductWords w;
  w.adjective = &kAdjectives[combo % std::size(kAdjectives)];
  combo /= std::size(kAdjectives);
  w.material = &kMaterials[combo % std::size(kMaterials)];
  w.noun = &kNouns[combo / std::size(kMaterials)];
  return w;
}

char* WriteHex(uint64_t v, int digits, char* p) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) *p++ = kHex[(v >> (4 * i)) & 15];
  return p;
}

// clear+append: cheaper than assign() (no aliasing checks) and allocation-free once the
// string has grown to its field's largest value.
inline void Set(std::string* s, std::string_view v) {
  s->clear();
  s->append(v.data(), v.size());
}

char* WriteInt(int64_t v, char* p) { return std::to_chars(p, p + 24, v).ptr; }

void AssignInt(int64_t v, std::string* out) {
  char buf[24];
  out->assign(buf, WriteInt(v, buf) - buf);
}

// "c.<random>.<first-visit seconds>" (GA-style; the cookie predates the window) for web
// clients, a UUID v4 for app clients, as mobile SDKs send.
void AssignClientId(uint64_t client_hash, int64_t start_us, bool app, std::string* out) {
  HashStream h(client_hash ^ 0x5bd1e9955bd1e995ULL);
  char buf[40];
  char* p = buf;
  if (app) {
    const uint64_t a = h.Next(), b = h.Next();
    p = WriteHex(a >> 32, 8, p);
    *p++ = '-';
    p = WriteHex(a >> 16, 4, p);
    *p++ = '-';
    *p++ = '4';
    p = WriteHex(a, 3, p);
    *p++ = '-';
    p = WriteHex(8 | ((b >> 60) & 3), 1, p);
    p = WriteHex(b >> 48, 3, p);
    *p++ = '-';
    p = WriteHex(b, 12, p);
  } else {
    *p++ = 'c';
    *p++ = '.';
    p = WriteInt(static_cast<int64_t>(1000000000 + h.Below(9000000000ULL)), p);
    *p++ = '.';
    const int64_t age_s = static_cast<int64_t>(h.Below(400 * 86400)) + 86400;
    p = WriteInt(start_us / kSecond - age_s, p);
  }
  out->assign(buf, p - buf);
}

}  // namespace

absl::Status ValidateGeneratorOptions(const GeneratorOptions& o) {
  if (o.merchants < 1 || o.merchants > 1000000)
    return absl::InvalidArgumentError(
        absl::StrCat("merchants must be 1..1000000, got ", o.merchants));
  if (o.days < 1 || o.days > 3660)
    return absl::InvalidArgumentError(absl::StrCat("days must be 1..3660, got ", o.days));
  if (!(o.zipf_exponent > 0 && o.zipf_exponent <= 10))
    return absl::InvalidArgumentError(
        absl::StrCat("zipf_exponent must be in (0, 10], got ", o.zipf_exponent));
  if (o.start_us < 0 || o.start_us % kMs != 0)
    return absl::InvalidArgumentError(
        absl::StrCat("start_us must be a non-negative whole millisecond, got ", o.start_us));
  if (o.start_us > std::numeric_limits<int64_t>::max() - (int64_t{o.days} + 1) * kDay)
    return absl::InvalidArgumentError(absl::StrCat("start_us ", o.start_us, " is too late"));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// The simulation.

struct Generator::Impl {
  explicit Impl(const GeneratorOptions& o);

  bool GenerateOne();
  void PlanBucket(uint64_t bucket);
  uint64_t BucketQuota(uint64_t bucket) const;
  Plan DrawShape();
  uint32_t PickMerchant();
  uint32_t PickClient(std::vector<int64_t>* pool, int64_t t);
  void Activate(const Plan& plan);
  void EmitStep();
  void StepSession(Session& s, Record* r);
  void BrowseStep(Session& s, Record* r);
  void CheckoutStep(Session& s, int step, Record* r);
  template <size_t N>
  void Navigate(Session& s, const uint16_t (&weights)[N]);
  uint32_t PickProduct(const Merchant& m);
  int64_t InSessionGap();
  int64_t Lateness();
  void Materialize(const Record& r, Event* e) const;
  void AssignPage(const Merchant& m, uint8_t kind, uint32_t index, Event* e) const;
  void AssignParams(const Record& r, const Merchant& m, Event* e) const;

  GeneratorOptions options_;
  int64_t end_us_;
  uint64_t buckets_;  // hours
  Rng rng_;
  LogNormalTable gap_{20.0 * kSecond, 1.1};
  LogNormalTable seconds_late_{1.2 * kSecond, 0.9};
  LogNormalTable minutes_late_{120.0 * kSecond, 0.8};
  std::vector<Merchant> merchants_;
  std::vector<double> merchant_cdf_;  // cumulative Zipf weights by rank

  uint64_t next_bucket_ = 0;
  std::vector<Plan> plans_;  // the current hour's sessions, by start time
  size_t next_plan_ = 0;
  std::vector<int64_t> starts_;  // scratch for PlanBucket

  Slab<Session> sessions_;
  std::vector<HeapEntry> active_;  // sessions by next event time
  uint64_t next_session_ = 0;

  Slab<Record> records_;
  std::vector<HeapEntry> arrivals_;  // records by arrival time
  uint64_t next_seq_ = 0;
  int64_t now_us_ = std::numeric_limits<int64_t>::min();  // ts of the newest generated event
  uint64_t emitted_ = 0;
  int64_t last_arrival_us_ = 0;
};

Generator::Impl::Impl(const GeneratorOptions& o)
    : options_(o),
      end_us_(o.start_us + int64_t{o.days} * kDay),
      buckets_(uint64_t{o.days} * 24),
      rng_(o.seed) {
  merchants_.resize(o.merchants);
  merchant_cdf_.resize(o.merchants);
  double total = 0;
  for (uint32_t i = 0; i < o.merchants; ++i) {
    total += DetExp(-o.zipf_exponent * DetLog(i + 1.0));
    merchant_cdf_[i] = total;
    Merchant& m = merchants_[i];
    HashStream h(Mix64(o.seed ^ (uint64_t{i} * kGolden)));
    char id[32];
    std::snprintf(id, sizeof(id), "shop-%06u", i + 1);
    m.id = id;
    m.name.assign(kShopFirst[h.Below(std::size(kShopFirst))]);
    m.name.push_back(' ');
    m.name.append(kShopSecond[h.Below(std::size(kShopSecond))]);
    m.salt = h.Next();
    // Big merchants have big catalogs; the long tail sells a few dozen things.
    const uint32_t cap = i < 10 ? 3000 : (i < 100 ? 800 : 200);
    m.products = cap / 4 + static_cast<uint32_t>(h.Below(cap * 3 / 4));
    m.categories = 4 + static_cast<uint32_t>(h.Below(9));
    m.category_offset = static_cast<uint32_t>(h.Below(std::size(kCategories)));
    m.blog_posts = static_cast<uint32_t>(h.Below(60));
    m.home_country = PickWeighted(kCountryWeights, h.Next());
  }
}

// Events in hour `bucket`: the largest-remainder split of options.events by hour weight,
// in integers, so the hours sum to exactly options.events.
uint64_t Generator::Impl::BucketQuota(uint64_t bucket) const {
  uint64_t day_total = 0;
  for (uint16_t w : kHourWeights) day_total += w;
  auto cumulative = [&](uint64_t b) {
    uint64_t c = (b / 24) * day_total;
    for (uint64_t h = 0; h < b % 24; ++h) c += kHourWeights[h];
    return c;
  };
  const Uint128 n = options_.events;
  const Uint128 total = Uint128{buckets_ / 24} * day_total;
  return static_cast<uint64_t>(n * cumulative(bucket + 1) / total - n * cumulative(bucket) / total);
}

uint32_t Generator::Impl::PickMerchant() {
  const double u = rng_.Uniform() * merchant_cdf_.back();
  const size_t i =
      std::upper_bound(merchant_cdf_.begin(), merchant_cdf_.end(), u) - merchant_cdf_.begin();
  return static_cast<uint32_t>(std::min(i, merchant_cdf_.size() - 1));
}

Plan Generator::Impl::DrawShape() {
  Plan p{};
  p.merchant = PickMerchant();
  p.app = rng_.Chance(kAppSessionShare);
  if (!p.app && rng_.Chance(kWebBounceShare)) {
    p.length = 1;
    return p;
  }
  p.purchase = rng_.Chance(kPurchaseShareOfEngaged);
  int browse = p.purchase ? 1 : 2;
  while (browse < kMaxBrowseSteps && rng_.Chance(kMoreStepsChance)) ++browse;
  p.length = static_cast<uint16_t>(browse + (p.purchase ? kCheckoutSteps : 0));
  return p;
}

// Plans one hour: session shapes until the hour's quota is met (the last session is cut
// to fit, so the total is exact), then sorted uniform start times at ms resolution.
void Generator::Impl::PlanBucket(uint64_t bucket) {
  plans_.clear();
  next_plan_ = 0;
  uint64_t remaining = BucketQuota(bucket);
  while (remaining > 0) {
    Plan p = DrawShape();
    if (p.length > remaining) {
      p.length = static_cast<uint16_t>(remaining);
      p.purchase = false;
    }
    remaining -= p.length;
    plans_.push_back(p);
  }
  const int64_t bucket_start = options_.start_us + static_cast<int64_t>(bucket) * kHour;
  starts_.clear();
  for (size_t i = 0; i < plans_.size(); ++i)
    starts_.push_back(bucket_start + static_cast<int64_t>(rng_.Below(kHour / kMs)) * kMs);
  std::sort(starts_.begin(), starts_.end());
  for (size_t i = 0; i < plans_.size(); ++i) plans_[i].start_us = starts_[i];
}

// A returning client if one is free (not in a session, idle > 31 minutes), else a new one.
uint32_t Generator::Impl::PickClient(std::vector<int64_t>* pool, int64_t t) {
  if (!pool->empty() && !rng_.Chance(kNewClientShare)) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      const uint64_t c = rng_.Below(pool->size());
      if ((*pool)[c] <= t - kMinGapBetweenSessions) return static_cast<uint32_t>(c);
    }
  }
  pool->push_back(0);
  return static_cast<uint32_t>(pool->size() - 1);
}

void Generator::Impl::Activate(const Plan& plan) {
  Merchant& m = merchants_[plan.merchant];
  std::vector<int64_t>& pool = m.clients[plan.app ? 1 : 0];
  Session s{};
  s.client = PickClient(&pool, plan.start_us);
  pool[s.client] = kInSession;
  s.start_us = plan.start_us;
  s.merchant = plan.merchant;
  s.length = plan.length;
  s.purchase = plan.purchase;
  s.client_hash = ClientHash(options_.seed, plan.merchant, plan.app, s.client);
  s.traits = DeriveTraits(s.client_hash, m.home_country, plan.app);
  if (!plan.app) {
    if (rng_.Chance(kUtmShare)) {
      const uint8_t c = PickWeighted(kCampaignWeights, rng_.Next());
      s.utm = c + 1;
      s.referrer = kCampaigns[c].referrer;
    } else {
      s.referrer = PickWeighted(kOrganicReferrerWeights, rng_.Next());
    }
  } else if (rng_.Chance(kOfflineAppSessionShare)) {
    s.delay_us = kHour + static_cast<int64_t>(rng_.Below(5 * kHour / kMs)) * kMs;
  }
  active_.push_back({plan.start_us, next_session_++, sessions_.Put(s)});
  std::push_heap(active_.begin(), active_.end(), Later());
}

// Advances the simulation by one event (into the arrival heap); false when done.
bool Generator::Impl::GenerateOne() {
  for (;;) {
    while (next_plan_ == plans_.size() && next_bucket_ < buckets_) PlanBucket(next_bucket_++);
    const bool have_plan = next_plan_ < plans_.size();
    if (!have_plan && active_.empty()) return false;
    if (have_plan && (active_.empty() || plans_[next_plan_].start_us <= active_.front().time)) {
      Activate(plans_[next_plan_++]);
      continue;
    }
    EmitStep();
    return true;
  }
}

void Generator::Impl::EmitStep() {
  std::pop_heap(active_.begin(), active_.end(), Later());
  const HeapEntry entry = active_.back();
  active_.pop_back();
  Session& s = sessions_[entry.slot];

  Record r{};
  r.ts_us = entry.time;
  r.merchant = s.merchant;
  r.client_hash = s.client_hash;
  r.session_start_us = s.start_us;
  r.traits = s.traits;
  if (s.traits.app) r.event_id = rng_.Next();
  StepSession(s, &r);
  const int64_t arrival = r.ts_us + s.delay_us + Lateness();
  arrivals_.push_back({arrival, next_seq_++, records_.Put(r)});
  std::push_heap(arrivals_.begin(), arrivals_.end(), Later());
  now_us_ = r.ts_us;

  if (++s.position == s.length) {
    merchants_[s.merchant].clients[s.traits.app ? 1 : 0][s.client] = r.ts_us;
    sessions_.Free(entry.slot);
    return;
  }
  // The last hour's sessions are squeezed against the end rather than spilling past it.
  const int64_t next = std::min(r.ts_us + InSessionGap(), end_us_ - kMs);
  active_.push_back({next, entry.tie, entry.slot});
  std::push_heap(active_.begin(), active_.end(), Later());
}

void Generator::Impl::StepSession(Session& s, Record* r) {
  const int checkout_from = s.length - kCheckoutSteps;
  if (s.position == 0 && s.traits.app) {
    r->event = kAppOpen;
    r->param = kAppVersion;
  } else if (s.position == 0) {
    Navigate(s, kLandingWeights);
    r->event = kPageView;
    r->referrer = s.referrer;
    r->utm = s.utm;
  } else if (s.purchase && s.position >= checkout_from) {
    CheckoutStep(s, s.position - checkout_from, r);
  } else {
    BrowseStep(s, r);
  }
  r->page_kind = s.page_kind;
  r->page_index = s.page_index;
}

void Generator::Impl::BrowseStep(Session& s, Record* r) {
  const uint64_t roll = rng_.Below(100);
  if (s.page_kind == kNoPage || roll < 58) {
    Navigate(s, kNavigationWeights);
    r->event = kPageView;
  } else if (roll < 76) {
    r->event = kScroll;
    r->param = kScrollDepth;
    r->param_value = PickWeighted(kScrollDepthWeights, rng_.Next());
  } else if (roll < 92 || s.page_kind != kProduct) {
    r->event = kClick;
    r->param = kButton;
    r->param_value = PickWeighted(kButtonWeights, rng_.Next());
  } else {
    r->event = kAddToCart;
    r->item = s.page_index + 1;
    r->param = kQuantity;
    r->param_value = PickWeighted(kQuantityWeights, rng_.Next());
  }
}

// The funnel's last four steps: add_to_cart, /cart, /checkout, purchase.
void Generator::Impl::CheckoutStep(Session& s, int step, Record* r) {
  switch (step) {
    case 0:
      if (s.page_kind != kProduct) {
        s.page_kind = kProduct;
        s.page_index = PickProduct(merchants_[s.merchant]);
      }
      s.cart_item = s.page_index + 1;
      r->event = kAddToCart;
      r->item = s.cart_item;
      r->param = kQuantity;
      r->param_value = PickWeighted(kQuantityWeights, rng_.Next());
      return;
    case 1:
      s.page_kind = kCart;
      r->event = kPageView;
      return;
    case 2:
      s.page_kind = kCheckout;
      r->event = kPageView;
      return;
    default: {
      s.page_kind = kThankYou;
      r->event = kPurchase;
      r->item = s.cart_item;
      const double value = std::clamp(rng_.LogNormal(60, 0.75), 2.0, 5000.0);
      r->value_cents = static_cast<uint32_t>(value * 100 + 0.5);
      r->param = kCurrency;
    }
  }
}

uint32_t Generator::Impl::PickProduct(const Merchant& m) {
  // Cubing a uniform concentrates views on the first (best-selling) products.
  const double u = rng_.Uniform();
  return std::min(m.products - 1, static_cast<uint32_t>(m.products * u * u * u));
}

template <size_t N>
void Generator::Impl::Navigate(Session& s, const uint16_t (&weights)[N]) {
  uint8_t kind = PickWeighted(weights, rng_.Next());
  const Merchant& m = merchants_[s.merchant];
  if (kind == kBlog && m.blog_posts == 0) kind = kHome;
  s.page_kind = kind;
  switch (kind) {
    case kProduct:
      s.page_index = PickProduct(m);
      break;
    case kCategory: {
      const double u = rng_.Uniform();
      s.page_index = static_cast<uint32_t>(m.categories * u * u);
      break;
    }
    case kBlog:
      s.page_index = static_cast<uint32_t>(rng_.Below(m.blog_posts));
      break;
    case kSearch:
      s.page_index = static_cast<uint32_t>(rng_.Below(std::size(kColors) * std::size(kNouns)));
      break;
    default:
      s.page_index = 0;
  }
}

// Mostly seconds to a couple of minutes (median ~20 s); always under 29 minutes.
int64_t Generator::Impl::InSessionGap() {
  const double gap = kSecond + gap_.Sample(rng_);
  return std::min(static_cast<int64_t>(gap / kMs), kMaxGapInSession / kMs) * kMs;
}

// Network and batching delay from event time to arrival: about a second for most events,
// minutes for some (retries, batched beacons). Offline app sessions add hours on top.
int64_t Generator::Impl::Lateness() {
  if (rng_.Chance(kMinutesLateShare)) {
    const double late = minutes_late_.Sample(rng_);
    return static_cast<int64_t>(std::clamp(late, 10.0 * kSecond, 30.0 * kMinute));
  }
  const double late = seconds_late_.Sample(rng_);
  return 150 * kMs + static_cast<int64_t>(std::min(late, 60.0 * kSecond));
}

// ---------------------------------------------------------------------------------------
// Materialization: a Record back into strings. Everything is assign/append into the
// caller's strings, so a reused Event costs no allocations.

void Generator::Impl::AssignPage(const Merchant& m, uint8_t kind, uint32_t index, Event* e) const {
  std::string& page = e->page;
  std::string& title = e->title;
  page.clear();
  title.clear();
  switch (kind) {
    case kHome:
      page = "/";
      title.append(m.name).append(" | Official Online Store");
      return;
    case kProduct: {
      const ProductWords w = WordsOfProduct(m.salt, index);
      page.append("/products/").append(w.adjective->slug).append("-");
      page.append(w.material->slug).append("-").append(w.noun->slug);
      title.append(w.adjective->title).append(" ").append(w.material->title).append(" ");
      title.append(w.noun->title).append(" | ").append(m.name);
      return;
    }
    case kCategory: {
      const Word& c = kCategories[(m.category_offset + index) % std::size(kCategories)];
      page.append("/category/").append(c.slug);
      title.append(c.title).append(" | ").append(m.name);
      return;
    }
    case kCart:
      page = "/cart";
      title.append("Your Cart | ").append(m.name);
      return;
    case kCheckout:
      page = "/checkout";
      title.append("Checkout | ").append(m.name);
      return;
    case kThankYou:
      page = "/checkout/thank-you";
      title.append("Thank You for Your Order | ").append(m.name);
      return;
    case kBlog: {
      const Word& tmpl = kBlogTemplates[index % std::size(kBlogTemplates)];
      const Word& material =
          kMaterials[(index / std::size(kBlogTemplates)) % std::size(kMaterials)];
      const Word& noun = kNouns[(index * 7 + m.salt) % std::size(kNouns)];
      page.append("/blog/").append(tmpl.slug).append("-").append(material.slug).append("-");
      page.append(noun.slug);
      title.append(tmpl.title).append(" ").append(material.title).append(" ");
      title.append(noun.title).append(" | ").append(m.name).append(" Journal");
      return;
    }
    case kSearch: {
      const std::string_view color = kColors[index / std::size(kNouns)];
      const std::string_view noun = kNouns[index % std::size(kNouns)].slug;
      page.append("/search?q=").append(color).append("+").append(noun);
      title.append("Search results for \"").append(color).append(" ").append(noun);
      title.append("\" | ").append(m.name);
      return;
    }
    case kAccount:
      page = "/account";
      title.append("My Account | ").append(m.name);
      return;
    default:
      return;
  }
}

void Generator::Impl::AssignParams(const Record& r, const Merchant& m, Event* e) const {
  // Param keys and values fit std::string's inline buffer: clear() + push_back is free.
  e->params.clear();
  switch (r.param) {
    case kScrollDepth:
      e->params.push_back(
          {"scroll_depth", true, {}, static_cast<double>(kScrollDepths[r.param_value])});
      return;
    case kButton:
      e->params.push_back({"button", false, std::string(kButtons[r.param_value]), 0});
      return;
    case kQuantity:
      e->params.push_back({"quantity", true, {}, static_cast<double>(r.param_value)});
      return;
    case kCurrency:
      e->params.push_back({"currency", false, std::string(kCountries[m.home_country].currency), 0});
      return;
    case kAppVersion: {
      const uint64_t v = Mix64(r.client_hash ^ 0xa11ULL);
      char buf[32];
      char* p = WriteInt(static_cast<int64_t>(3 + v % 3), buf);
      *p++ = '.';
      p = WriteInt(static_cast<int64_t>((v >> 8) % 20), p);
      *p++ = '.';
      p = WriteInt(static_cast<int64_t>((v >> 16) % 10), p);
      e->params.push_back({"app_version", false, std::string(buf, p - buf), 0});
      return;
    }
    default:
      return;
  }
}

void Generator::Impl::Materialize(const Record& r, Event* e) const {
  const Merchant& m = merchants_[r.merchant];
  const Traits& t = r.traits;
  const Country& country = kCountries[t.country];
  Set(&e->merchant, m.id);
  e->ts_us = r.ts_us;
  Set(&e->event, kEventNames[r.event]);
  AssignClientId(r.client_hash, options_.start_us, t.app, &e->client_id);
  e->user_id.clear();
  if (t.logged_in) {
    char buf[24] = "user_";
    const uint64_t id = 10000000 + Mix64(r.client_hash ^ 0x7f4a7c15ULL) % 90000000;
    e->user_id.assign(buf, WriteInt(static_cast<int64_t>(id), buf + 5) - buf);
  }
  e->session_id.clear();
  if (t.app) AssignInt(r.session_start_us / kSecond, &e->session_id);
  AssignPage(m, r.page_kind, r.page_index, e);
  Set(&e->referrer, kReferrers[r.referrer]);
  const Campaign* c = r.utm != 0 ? &kCampaigns[r.utm - 1] : nullptr;
  Set(&e->utm_source, c ? c->source : std::string_view());
  Set(&e->utm_medium, c ? c->medium : std::string_view());
  Set(&e->utm_campaign, c ? c->campaign : std::string_view());
  Set(&e->device, kDevices[t.device]);
  Set(&e->os, kOses[t.os]);
  Set(&e->browser, t.browser == kNoBrowser ? std::string_view() : kBrowsers[t.browser]);
  Set(&e->country, country.code);
  Set(&e->language, t.second_language ? country.second_language : country.language);
  e->item_id.clear();
  if (r.item != 0) {
    char buf[24] = "SKU-";
    const uint64_t sku = 10000 + (uint64_t{r.item - 1} * kProductStride + m.salt) % 90000;
    e->item_id.assign(buf, WriteInt(static_cast<int64_t>(sku), buf + 4) - buf);
  }
  e->value =
      r.event == kPurchase ? r.value_cents / 100.0 : std::numeric_limits<double>::quiet_NaN();
  e->event_id.clear();
  if (t.app) {
    char buf[16];
    e->event_id.assign(buf, WriteHex(r.event_id, 16, buf) - buf);
  }
  AssignParams(r, m, e);
}

// ---------------------------------------------------------------------------------------
// Generator.

Generator::Generator(const GeneratorOptions& options) {
  STRATA_CHECK(ValidateGeneratorOptions(options).ok(), "invalid GeneratorOptions");
  impl_ = std::make_unique<Impl>(options);
}

Generator::~Generator() = default;

bool Generator::Next(Event* out) {
  Impl& g = *impl_;
  if (g.emitted_ == g.options_.events) return false;
  // Nothing generated later can arrive before now_us_ (event times only grow and arrival
  // >= event time), so the heap's top is final once its arrival <= now_us_.
  while (g.arrivals_.empty() || g.arrivals_.front().time > g.now_us_) {
    if (!g.GenerateOne()) {
      g.now_us_ = std::numeric_limits<int64_t>::max();
      break;
    }
  }
  STRATA_CHECK(!g.arrivals_.empty(), "generator produced fewer events than planned");
  std::pop_heap(g.arrivals_.begin(), g.arrivals_.end(), Later());
  const HeapEntry top = g.arrivals_.back();
  g.arrivals_.pop_back();
  g.Materialize(g.records_[top.slot], out);
  g.records_.Free(top.slot);
  g.last_arrival_us_ = top.time;
  ++g.emitted_;
  return true;
}

int64_t Generator::arrival_us() const { return impl_->last_arrival_us_; }

size_t Generator::buffered_events() const { return impl_->arrivals_.size(); }

// ---------------------------------------------------------------------------------------
// JSON. The line is written through a raw pointer into space reserved for the worst case
// (every byte escaped as \u00XX), then the string is cut to the bytes written.

namespace {

constexpr size_t kMaxEscapedBytes = 6;  // per input byte

// Whether any of the 8 bytes in `w` is < 0x20, '"' or '\\' (SWAR; exact as a boolean).
inline bool NeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t control = (w - kOnes * 0x20) & ~w;
  const uint64_t zero_quote = (quote - kOnes) & ~quote;
  const uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
  return ((control | zero_quote | zero_backslash) & kHighs) != 0;
}

constexpr uint64_t kSpaces = 0x2020202020202020ULL;

// The n < 8 bytes at src as the low bytes of a word (little-endian), upper bytes zero.
// Two overlapping loads, no loop: 4-7 bytes from two 4-byte loads, 1-3 from three bytes.
inline uint64_t LoadShort(const char* src, size_t n) {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, src, 4);
    std::memcpy(&hi, src + n - 4, 4);
    return uint64_t{lo} | (uint64_t{hi} << (8 * (n - 4)));
  }
  const auto byte = [&](size_t i) { return uint64_t{static_cast<unsigned char>(src[i])}; };
  return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
}

char* WriteEscaped(unsigned char c, char* p) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '\\';
  switch (c) {
    case '"':
      *p++ = '"';
      break;
    case '\\':
      *p++ = '\\';
      break;
    case '\b':
      *p++ = 'b';
      break;
    case '\f':
      *p++ = 'f';
      break;
    case '\n':
      *p++ = 'n';
      break;
    case '\r':
      *p++ = 'r';
      break;
    case '\t':
      *p++ = 't';
      break;
    default:
      std::memcpy(p, "u00", 3);
      p[3] = kHex[c >> 4];
      p[4] = kHex[c & 15];
      p += 5;
  }
  return p;
}

// Copies 8 clean bytes at a time; escapes byte by byte from the first word that needs it.
char* WriteJsonString(std::string_view s, char* p) {
  *p++ = '"';
  const char* src = s.data();
  const size_t n = s.size();
  size_t i = 0;
  uint64_t w;
  if (n < 8) {
    // Most fields are short ("mobile", "US"): gather the bytes into one word padded with
    // spaces, check once, store 8 bytes (the caller reserved slack) and advance by n.
    if (n == 0) {
      *p++ = '"';
      return p;
    }
    w = LoadShort(src, n) | (kSpaces << (8 * n));
    if (!NeedsEscape(w)) {
      std::memcpy(p, &w, 8);
      p += n;
      *p++ = '"';
      return p;
    }
  }
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&w, src + i, 8);
    if (NeedsEscape(w)) break;
    std::memcpy(p, &w, 8);
    p += 8;
  }
  if (i + 8 > n && i < n && n >= 8) {
    // A short tail: take the string's last 8 bytes (overlapping bytes already copied,
    // which are clean and land on themselves); if they are clean too, one copy ends it.
    std::memcpy(&w, src + n - 8, 8);
    if (!NeedsEscape(w)) {
      std::memcpy(p - (8 - (n - i)), &w, 8);
      p += n - i;
      *p++ = '"';
      return p;
    }
  }
  for (; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(src[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = static_cast<char>(c);
    } else {
      p = WriteEscaped(c, p);
    }
  }
  *p++ = '"';
  return p;
}

inline char* WriteRaw(std::string_view s, char* p) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Non-finite numbers have no JSON form: null.
char* WriteNumber(double v, char* p) {
  if (!std::isfinite(v)) return WriteRaw("null", p);
  return std::to_chars(p, p + 32, v).ptr;
}

// `key` is the literal `,"name":`. Absent (empty) fields are omitted.
inline char* WriteOptional(std::string_view key, const std::string& value, char* p) {
  if (value.empty()) return p;
  return WriteJsonString(value, WriteRaw(key, p));
}

size_t MaxJsonBytes(const Event& e) {
  size_t text = e.merchant.size() + e.event.size() + e.client_id.size() + e.user_id.size() +
                e.session_id.size() + e.page.size() + e.title.size() + e.referrer.size() +
                e.utm_source.size() + e.utm_medium.size() + e.utm_campaign.size() +
                e.device.size() + e.os.size() + e.browser.size() + e.country.size() +
                e.language.size() + e.item_id.size() + e.event_id.size();
  size_t params = 0;
  for (const Param& p : e.params) {
    text += p.key.size() + p.str.size();
    params += 48;  // quotes, colon, comma, a number of up to 24 characters
  }
  return 512 + params + kMaxEscapedBytes * text;  // 512: keys, ts, value, punctuation
}

}  // namespace

void Generator::AppendJson(const Event& e, std::string* out) {
  const size_t old_size = out->size();
  out->resize(old_size + MaxJsonBytes(e));
  char* const begin = out->data() + old_size;
  char* p = WriteRaw("{\"merchant\":", begin);
  p = WriteJsonString(e.merchant, p);
  p = WriteRaw(",\"ts\":", p);
  // Floor division: an event at -1 µs belongs to millisecond -1, not 0.
  p = WriteInt(e.ts_us / kMs - (e.ts_us % kMs < 0 ? 1 : 0), p);
  p = WriteJsonString(e.event, WriteRaw(",\"event\":", p));
  p = WriteOptional(",\"client_id\":", e.client_id, p);
  p = WriteOptional(",\"user_id\":", e.user_id, p);
  p = WriteOptional(",\"session_id\":", e.session_id, p);
  p = WriteOptional(",\"page\":", e.page, p);
  p = WriteOptional(",\"title\":", e.title, p);
  p = WriteOptional(",\"referrer\":", e.referrer, p);
  p = WriteOptional(",\"utm_source\":", e.utm_source, p);
  p = WriteOptional(",\"utm_medium\":", e.utm_medium, p);
  p = WriteOptional(",\"utm_campaign\":", e.utm_campaign, p);
  p = WriteOptional(",\"device\":", e.device, p);
  p = WriteOptional(",\"os\":", e.os, p);
  p = WriteOptional(",\"browser\":", e.browser, p);
  p = WriteOptional(",\"country\":", e.country, p);
  p = WriteOptional(",\"language\":", e.language, p);
  p = WriteOptional(",\"item_id\":", e.item_id, p);
  if (std::isfinite(e.value)) p = WriteNumber(e.value, WriteRaw(",\"value\":", p));
  p = WriteOptional(",\"event_id\":", e.event_id, p);
  if (!e.params.empty()) {
    p = WriteRaw(",\"params\":{", p);
    for (size_t i = 0; i < e.params.size(); ++i) {
      const Param& param = e.params[i];
      if (i > 0) *p++ = ',';
      p = WriteJsonString(param.key, p);
      *p++ = ':';
      p = param.is_number ? WriteNumber(param.num, p) : WriteJsonString(param.str, p);
    }
    *p++ = '}';
  }
  p = WriteRaw("}\n", p);
  out->resize(p - out->data());
}

std::vector<engine::Event> Generator::All(const GeneratorOptions& options) {
  Generator gen(options);
  std::vector<engine::Event> events;
  events.reserve(options.events);
  engine::Event e;
  while (gen.Next(&e)) events.push_back(e);
  return events;
}

}  // namespace strata::ingest
