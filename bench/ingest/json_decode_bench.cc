// EventDecoder throughput on realistic tracker events (page views, clicks, add-to-cart,
// purchases with params, long referrers and UTM tags), one decoder and one reused Event,
// as an ingest worker runs it. Reports events/s (items) and MB/s (bytes).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "ingest/event_json.h"

namespace strata::ingest {
namespace {

const std::vector<std::string>& Lines() {
  static const std::
      vector<std::string>
          lines =
              {
                  R"({"merchant":"shop-000001","ts":1793491555140,"event":"page_view","client_id":"c.4094269094.1785826515","session_id":"s.1793491555","page":"/","title":"Simple Supply | Official Online Store","referrer":"https://www.google.com/","device":"mobile","os":"Android","browser":"Chrome","country":"US","language":"en-US"})",
                  R"({"merchant":"shop-000001","ts":1793491561002,"event":"page_view","client_id":"c.4094269094.1785826515","session_id":"s.1793491555","page":"/collections/shoes?sort=price-asc&page=2","title":"Shoes - Simple Supply","referrer":"https://shop.example.com/","device":"mobile","os":"Android","browser":"Chrome","country":"US","language":"en-US"})",
                  R"({"merchant":"acme.store","ts":"2026-11-01T12:00:03.120Z","event":"click","client_id":"c.11873.99","user_id":"u-5521","page":"/products/red-runner-42","title":"Red Runner 42 – Acme","device":"desktop","os":"Windows","browser":"Edge","country":"DE","language":"de-DE","params":{"element":"add_to_cart_button","position":3}})",
                  R"({"merchant":"acme.store","ts":1793534405400,"event":"add_to_cart","client_id":"c.11873.99","user_id":"u-5521","session_id":"s-77","page":"/products/red-runner-42","item_id":"sku-RR42-RED-9","value":89.95,"device":"desktop","os":"Windows","browser":"Edge","country":"DE","language":"de-DE","params":{"currency":"EUR","quantity":1,"variant":"red/9"}})",
                  R"({"merchant":"acme.store","ts":1793534460123,"event":"purchase","client_id":"c.11873.99","user_id":"u-5521","session_id":"s-77","page":"/checkout/thank-you","title":"Thank you for your order","item_id":"sku-RR42-RED-9","value":"179.90","event_id":"ord-2026-110112-00042","device":"desktop","os":"Windows","browser":"Edge","country":"DE","language":"de-DE","params":{"currency":"EUR","items":2,"coupon":"FALL10","shipping":4.99,"tax":28.72,"payment":"card"}})",
                  R"({"merchant":"blog_42","ts":1793534470000,"event":"page_view","client_id":"9f1c2e7a-0b1d-4c1e-8d55-2b8f0c6e1a77","page":"/2026/10/how-we-cut-our-cloud-bill-in-half","title":"How we cut our cloud bill in half","referrer":"https://news.ycombinator.com/item?id=41234567","device":"desktop","os":"macOS","browser":"Firefox","country":"GB","language":"en-GB"})",
                  R"({"merchant":"blog_42","ts":1793534471200,"event":"page_view","client_id":"f00dbabe-1111-2222-3333-444455556666","page":"/2026/10/how-we-cut-our-cloud-bill-in-half","title":"How we cut our cloud bill in half","referrer":"https://www.facebook.com/l.php?u=https%3A%2F%2Fblog.example.org%2F2026%2F10%2Fhow-we-cut-our-cloud-bill-in-half%3Futm_source%3Dfacebook%26utm_medium%3Dsocial%26fbclid%3DIwAR3xYz_abcdefghijklmnopqrstuvwxyz0123456789&h=AT0abcdefghijklmnop","utm_source":"facebook","utm_medium":"social","device":"mobile","os":"iOS","browser":"Safari","country":"CA","language":"en-CA"})",
                  R"({"merchant":"travel-co","ts":1793534480000,"event":"search","client_id":"c.20000.1","session_id":"s-abc","page":"/search?from=BER&to=LIS&date=2026-12-20&pax=2","title":"Flights Berlin → Lisbon","device":"tablet","os":"iPadOS","browser":"Safari","country":"PT","language":"pt-PT","params":{"from":"BER","to":"LIS","passengers":2,"one_way":false}})",
                  R"({"merchant":"travel-co","ts":1793534489000,"event":"click","client_id":"c.20000.1","session_id":"s-abc","page":"/search?from=BER&to=LIS&date=2026-12-20&pax=2","device":"tablet","os":"iPadOS","browser":"Safari","country":"PT","language":"pt-PT","params":{"element":"result_card","rank":1,"price":129}})",
                  R"({"merchant":"shop-000007","ts":1793534490000,"event":"page_view","client_id":"c.3.3","page":"/sale","title":"Black Friday Sale – up to 70% off","referrer":"https://www.google.com/aclk?sa=l&ai=DChcSEwiabcdefghijklmnopqrstuvwx&ae=2&gclid=Cj0KCQiA_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH&sig=AOD64_3abcdefghijklmnop&q&adurl","utm_source":"google","utm_medium":"cpc","utm_campaign":"black_friday_2026_brand_exact","device":"mobile","os":"Android","browser":"Samsung Internet","country":"US","language":"en-US"})",
                  R"({"merchant":"shop-000007","ts":1793534491000,"event":"view_item","client_id":"c.3.3","page":"/products/wireless-earbuds-pro","title":"Wireless Earbuds Pro","item_id":"SKU-88213","value":59.0,"device":"mobile","os":"Android","browser":"Samsung Internet","country":"US","language":"en-US","params":{"category":"audio","brand":"Sonique","in_stock":true}})",
                  R"({"merchant":"news.daily","ts":1793534500000,"event":"page_view","client_id":"c.77.1","page":"/politics/2026/11/01/election-live-updates","title":"Election live: latest results and analysis","referrer":"https://t.co/AbCdEfGhIj","utm_source":"twitter","utm_medium":"social","device":"mobile","os":"iOS","browser":"Chrome","country":"US","language":"en-US","ab_test":"headline_b"})",
                  R"({"merchant":"news.daily","ts":1793534505000,"event":"scroll","client_id":"c.77.1","page":"/politics/2026/11/01/election-live-updates","device":"mobile","os":"iOS","browser":"Chrome","country":"US","language":"en-US","params":{"percent":75}})",
                  R"({"merchant":"saas_app","ts":1793534510000,"event":"sign_up","client_id":"c.4242.1","user_id":"usr_01HF8Z6K3Q","session_id":"s-9","page":"/signup/complete","title":"Welcome!","utm_source":"newsletter","utm_medium":"email","utm_campaign":"nov_2026_onboarding","device":"desktop","os":"Linux","browser":"Firefox","country":"FR","language":"fr-FR","params":{"plan":"pro","trial_days":14,"seats":5}})",
                  R"({"merchant":"saas_app","ts":1793534520000,"event":"page_view","client_id":"c.4242.1","user_id":"usr_01HF8Z6K3Q","page":"/app/dashboard","title":"Dashboard","device":"desktop","os":"Linux","browser":"Firefox","country":"FR","language":"fr-FR"})",
                  R"({"merchant":"shop-000001","ts":1793534530000,"event":"page_view","client_id":"c.99.5","page":"/collections/caf\u00e9-accessories","title":"Caf\u00e9 accessories \u2013 Simple Supply","referrer":"https://duckduckgo.com/","device":"desktop","os":"macOS","browser":"Safari","country":"CH","language":"de-CH"})",
                  R"({"merchant":"games.io","ts":1793534540000,"event":"level_complete","client_id":"c.5.5","user_id":"player-1337","session_id":"g-1","page":"/play/puzzle","device":"mobile","os":"Android","browser":"Chrome WebView","country":"BR","language":"pt-BR","params":{"level":17,"score":98230,"duration_s":143.5,"hints_used":0,"mode":"hard"}})",
                  R"({"merchant":"games.io","ts":1793534550000,"event":"purchase","client_id":"c.5.5","user_id":"player-1337","item_id":"gems_500","value":4.99,"event_id":"gp-4242-2026-11-01","device":"mobile","os":"Android","browser":"Chrome WebView","country":"BR","language":"pt-BR","params":{"currency":"BRL","store":"play"}})",
                  R"({"merchant":"acme.store","ts":1793534560000,"event":"page_view","client_id":"c.11873.99","page":"/search?q=trail+running+shoes+waterproof&color=black&size=44&sort=relevance","title":"Search: trail running shoes waterproof","referrer":"https://acme.store/products/red-runner-42","device":"desktop","os":"Windows","browser":"Edge","country":"DE","language":"de-DE","params":{"results":128}})",
                  R"({"merchant":"travel-co","ts":1793534570000,"event":"page_view","client_id":"c.31415.9","page":"/hotels/lisbon","title":"Hotels in Lisbon","referrer":"https://www.bing.com/search?q=lisbon+hotels+december&form=QBLH&sp=-1&pq=lisbon+hotels&sc=10-13&qs=n&sk=&cvid=ABCDEF0123456789ABCDEF0123456789","utm_source":"bing","utm_medium":"organic","device":"desktop","os":"Windows","browser":"Chrome","country":"ES","language":"es-ES"})",
              };
  return lines;
}

void BM_DecodeRealisticEvents(benchmark::State& state) {
  const std::vector<std::string>& lines = Lines();
  EventDecoder decoder;
  engine::Event event;
  size_t bytes = 0;
  for (const std::string& line : lines) {
    bytes += line.size();
    if (auto error = decoder.Decode(line, &event)) {
      state.SkipWithError(("bad benchmark line: " + error->ToString()).c_str());
      return;
    }
  }
  for (auto _ : state) {
    for (const std::string& line : lines) {
      auto error = decoder.Decode(line, &event);
      benchmark::DoNotOptimize(error);
      benchmark::DoNotOptimize(event.ts_us);
    }
  }
  state.SetItemsProcessed(state.iterations() * lines.size());
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["avg_bytes"] = static_cast<double>(bytes) / lines.size();
}
BENCHMARK(BM_DecodeRealisticEvents);

// The same events with a ts window check.
void BM_DecodeWithWindow(benchmark::State& state) {
  const std::vector<std::string>& lines = Lines();
  ValidationOptions options;
  options.now_us = 1793534400000000;
  options.max_past_us = 30LL * 86400 * 1000000;
  options.max_future_us = 3600LL * 1000000;
  EventDecoder decoder(options);
  engine::Event event;
  size_t bytes = 0;
  for (const std::string& line : lines) bytes += line.size();
  for (auto _ : state) {
    for (const std::string& line : lines) {
      auto error = decoder.Decode(line, &event);
      benchmark::DoNotOptimize(error);
    }
  }
  state.SetItemsProcessed(state.iterations() * lines.size());
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_DecodeWithWindow);

// A rejected event costs no more than an accepted one (the error path builds strings).
void BM_DecodeInvalidEvents(benchmark::State& state) {
  const std::vector<std::string> bad = {
      R"({"merchant":"shop 1","ts":1793534400000,"event":"page_view","client_id":"c"})",
      R"({"merchant":"shop","ts":"yesterday","event":"page_view","client_id":"c"})",
      R"({"merchant":"shop","ts":1793534400000,"event":"page_view","client_id":"c","params":{"a":{}}})",
      R"({"merchant":"shop","ts":1793534400000,"event":"page_view","client_id":"c","page":)",
  };
  EventDecoder decoder;
  engine::Event event;
  for (auto _ : state) {
    for (const std::string& line : bad) {
      auto error = decoder.Decode(line, &event);
      benchmark::DoNotOptimize(error);
    }
  }
  state.SetItemsProcessed(state.iterations() * bad.size());
}
BENCHMARK(BM_DecodeInvalidEvents);

void BM_ValidateEvent(benchmark::State& state) {
  EventDecoder decoder;
  engine::Event event;
  if (decoder.Decode(Lines()[4], &event)) {
    state.SkipWithError("bad line");
    return;
  }
  for (auto _ : state) {
    auto error = ValidateEvent(event, {});
    benchmark::DoNotOptimize(error);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateEvent);

}  // namespace
}  // namespace strata::ingest
