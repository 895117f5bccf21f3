// ParseInterval, ParseTimestamp and LoadZone (declared in expr.h).
#include <cctype>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "query/expr.h"
#include "query/functions.h"
#include "query/time_util.h"

namespace strata::query {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A left-to-right reader over the text being parsed.
struct Reader {
  std::string_view s;
  size_t pos = 0;

  bool done() const { return pos >= s.size(); }
  char peek(size_t ahead = 0) const { return pos + ahead < s.size() ? s[pos + ahead] : '\0'; }
  void SkipSpaces() {
    while (!done() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
  }
  bool Consume(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  // Reads 1..max_digits digits; false if there is none or the value overflows.
  bool Digits(int64_t* value, size_t* count, size_t max_digits = 18) {
    *value = 0;
    *count = 0;
    while (!done() && IsDigit(s[pos])) {
      if (*count == max_digits) return false;
      *value = *value * 10 + (s[pos] - '0');
      ++pos;
      ++*count;
    }
    return *count > 0;
  }
  std::string_view Word() {
    size_t start = pos;
    while (!done() && IsAlpha(s[pos])) ++pos;
    return s.substr(start, pos - start);
  }
};

// Digits after a decimal point as µs (rounded half up); `digits` is the text.
int64_t FractionMicros(std::string_view digits) {
  int64_t us = 0;
  for (size_t i = 0; i < 6; ++i) us = us * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  if (digits.size() > 6 && digits[6] >= '5') ++us;
  return us;
}

// ---------------------------------------------------------------------------------------
// Intervals

enum class Unit {
  kMicro,
  kMilli,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kYear,
  kDecade,
  kCentury,
  kMillennium
};

bool LookupUnit(std::string_view word, Unit* unit) {
  std::string w = absl::AsciiStrToLower(absl::string_view(word.data(), word.size()));
  struct Entry {
    const char* name;
    Unit unit;
  };
  static constexpr Entry kUnits[] = {
      {"microsecond", Unit::kMicro},
      {"microseconds", Unit::kMicro},
      {"us", Unit::kMicro},
      {"usec", Unit::kMicro},
      {"usecs", Unit::kMicro},
      {"useconds", Unit::kMicro},
      {"millisecond", Unit::kMilli},
      {"milliseconds", Unit::kMilli},
      {"ms", Unit::kMilli},
      {"msec", Unit::kMilli},
      {"msecs", Unit::kMilli},
      {"mseconds", Unit::kMilli},
      {"second", Unit::kSecond},
      {"seconds", Unit::kSecond},
      {"s", Unit::kSecond},
      {"sec", Unit::kSecond},
      {"secs", Unit::kSecond},
      {"minute", Unit::kMinute},
      {"minutes", Unit::kMinute},
      {"m", Unit::kMinute},
      {"min", Unit::kMinute},
      {"mins", Unit::kMinute},
      {"hour", Unit::kHour},
      {"hours", Unit::kHour},
      {"h", Unit::kHour},
      {"hr", Unit::kHour},
      {"hrs", Unit::kHour},
      {"day", Unit::kDay},
      {"days", Unit::kDay},
      {"d", Unit::kDay},
      {"week", Unit::kWeek},
      {"weeks", Unit::kWeek},
      {"w", Unit::kWeek},
      {"month", Unit::kMonth},
      {"months", Unit::kMonth},
      {"mon", Unit::kMonth},
      {"mons", Unit::kMonth},
      {"year", Unit::kYear},
      {"years", Unit::kYear},
      {"y", Unit::kYear},
      {"yr", Unit::kYear},
      {"yrs", Unit::kYear},
      {"decade", Unit::kDecade},
      {"decades", Unit::kDecade},
      {"dec", Unit::kDecade},
      {"century", Unit::kCentury},
      {"centuries", Unit::kCentury},
      {"millennium", Unit::kMillennium},
      {"millennia", Unit::kMillennium},
  };
  for (const Entry& e : kUnits) {
    if (w == e.name) {
      *unit = e.unit;
      return true;
    }
  }
  return false;
}

// Interval fields accumulated wide, range-checked at the end.
struct IntervalAccumulator {
  Int128 months = 0;
  Int128 days = 0;
  double micros = 0;  // fractions of units, in µs
  Int128 whole_micros = 0;

  void AddMicros(double us) { micros += us; }
  // Adds `value` (integer part `whole`, signed fraction `frac`) of `unit`.
  void Add(Unit unit, int64_t whole_in, double frac) {
    Int128 whole = whole_in;
    switch (unit) {
      case Unit::kMicro:
        whole_micros += whole;
        AddMicros(frac);
        return;
      case Unit::kMilli:
        whole_micros += whole * 1000;
        AddMicros(frac * 1000);
        return;
      case Unit::kSecond:
        whole_micros += whole * kMicrosPerSecond;
        AddMicros(frac * kMicrosPerSecond);
        return;
      case Unit::kMinute:
        whole_micros += whole * kMicrosPerMinute;
        AddMicros(frac * kMicrosPerMinute);
        return;
      case Unit::kHour:
        whole_micros += whole * kMicrosPerHour;
        AddMicros(frac * kMicrosPerHour);
        return;
      case Unit::kDay:
        days += whole;
        AddMicros(frac * kMicrosPerDay);
        return;
      case Unit::kWeek: {
        days += whole * 7;
        double fdays = frac * 7;
        days += static_cast<int64_t>(fdays);
        AddMicros((fdays - std::trunc(fdays)) * kMicrosPerDay);
        return;
      }
      case Unit::kMonth: {
        months += whole;
        double fdays = frac * 30;
        days += static_cast<int64_t>(fdays);
        AddMicros((fdays - std::trunc(fdays)) * kMicrosPerDay);
        return;
      }
      case Unit::kYear:
        months += whole * 12 + static_cast<int64_t>(std::round(frac * 12));
        return;
      case Unit::kDecade:
        months += whole * 120 + static_cast<int64_t>(std::round(frac * 120));
        return;
      case Unit::kCentury:
        months += whole * 1200 + static_cast<int64_t>(std::round(frac * 1200));
        return;
      case Unit::kMillennium:
        months += whole * 12000 + static_cast<int64_t>(std::round(frac * 12000));
        return;
    }
  }
};

bool ParseIsoInterval(std::string_view s, IntervalAccumulator* acc) {
  // P[nY][nM][nW][nD][T[nH][nM][nS]], each n an optionally signed decimal number.
  Reader r{s, 1};
  bool in_time = false;
  bool any = false;
  while (!r.done()) {
    if (r.Consume('T') || r.Consume('t')) {
      if (in_time) return false;
      in_time = true;
      continue;
    }
    bool negative = r.Consume('-');
    if (!negative) r.Consume('+');
    int64_t whole = 0;
    size_t n = 0;
    if (!r.Digits(&whole, &n)) return false;
    double frac = 0;
    if (r.Consume('.')) {
      size_t start = r.pos;
      while (!r.done() && IsDigit(r.peek())) ++r.pos;
      frac = FractionMicros(s.substr(start, r.pos - start)) / 1e6;
    }
    if (negative) {
      whole = -whole;
      frac = -frac;
    }
    char designator = static_cast<char>(std::toupper(static_cast<unsigned char>(r.peek())));
    ++r.pos;
    Unit unit;
    if (!in_time && designator == 'Y') {
      unit = Unit::kYear;
    } else if (!in_time && designator == 'M') {
      unit = Unit::kMonth;
    } else if (!in_time && designator == 'W') {
      unit = Unit::kWeek;
    } else if (!in_time && designator == 'D') {
      unit = Unit::kDay;
    } else if (in_time && designator == 'H') {
      unit = Unit::kHour;
    } else if (in_time && designator == 'M') {
      unit = Unit::kMinute;
    } else if (in_time && designator == 'S') {
      unit = Unit::kSecond;
    } else {
      return false;
    }
    acc->Add(unit, whole, frac);
    any = true;
  }
  return any;
}

// "[-]h+:mm[:ss[.f]]" starting at r.pos; the sign was already consumed.
bool ParseClock(Reader& r, bool negative, IntervalAccumulator* acc) {
  int64_t hours = 0, minutes = 0, seconds = 0;
  size_t n = 0;
  if (!r.Digits(&hours, &n, 9) || !r.Consume(':')) return false;
  if (!r.Digits(&minutes, &n, 2) || minutes > 59) return false;
  int64_t frac = 0;
  if (r.Consume(':')) {
    if (!r.Digits(&seconds, &n, 2) || seconds > 59) return false;
    if (r.Consume('.')) {
      size_t start = r.pos;
      while (!r.done() && IsDigit(r.peek())) ++r.pos;
      if (r.pos == start) return false;
      frac = FractionMicros(r.s.substr(start, r.pos - start));
    }
  }
  int64_t us =
      hours * kMicrosPerHour + minutes * kMicrosPerMinute + seconds * kMicrosPerSecond + frac;
  acc->whole_micros += negative ? -us : us;
  return true;
}

bool ParseVerboseInterval(std::string_view s, IntervalAccumulator* acc) {
  Reader r{s};
  bool any = false;
  bool ago = false;
  r.SkipSpaces();
  if (r.Consume('@')) r.SkipSpaces();
  while (true) {
    r.SkipSpaces();
    if (r.done()) break;
    if (IsAlpha(r.peek())) {
      std::string_view word = r.Word();
      if (!absl::EqualsIgnoreCase(absl::string_view(word.data(), word.size()), "ago") || ago) {
        return false;
      }
      ago = true;
      continue;
    }
    if (ago) return false;  // "ago" ends the text
    bool negative = r.Consume('-');
    if (!negative) r.Consume('+');
    // A clock "h:mm[:ss]" or a number with an optional unit.
    size_t digits_end = r.pos;
    while (digits_end < s.size() && IsDigit(s[digits_end])) ++digits_end;
    if (digits_end < s.size() && s[digits_end] == ':') {
      if (!ParseClock(r, negative, acc)) return false;
      any = true;
      continue;
    }
    int64_t whole = 0;
    size_t n = 0;
    bool has_whole = r.Digits(&whole, &n);
    double frac = 0;
    if (r.Consume('.')) {
      size_t start = r.pos;
      while (!r.done() && IsDigit(r.peek())) ++r.pos;
      if (r.pos == start && !has_whole) return false;
      std::string_view digits = s.substr(start, r.pos - start);
      // Keep 15 significant fraction digits: enough for µs of any unit up to millennia.
      double scale = 0.1;
      for (size_t i = 0; i < digits.size() && i < 15; ++i, scale /= 10) {
        frac += (digits[i] - '0') * scale;
      }
    } else if (!has_whole) {
      return false;
    }
    if (negative) {
      whole = -whole;
      frac = -frac;
    }
    r.SkipSpaces();
    Unit unit = Unit::kSecond;  // a bare number is seconds, as in PostgreSQL
    if (!r.done() && IsAlpha(r.peek())) {
      std::string_view word = r.Word();
      if (absl::EqualsIgnoreCase(absl::string_view(word.data(), word.size()), "ago")) {
        r.pos -= word.size();
      } else if (!LookupUnit(word, &unit)) {
        return false;
      }
    }
    acc->Add(unit, whole, frac);
    any = true;
  }
  if (ago) {
    acc->months = -acc->months;
    acc->days = -acc->days;
    acc->micros = -acc->micros;
    acc->whole_micros = -acc->whole_micros;
  }
  return any;
}

}  // namespace

absl::StatusOr<Interval> ParseInterval(std::string_view text) {
  std::string_view s = Trim(text);
  IntervalAccumulator acc;
  bool ok = false;
  if (!s.empty() && (s[0] == 'P' || s[0] == 'p')) {
    ok = ParseIsoInterval(s, &acc);
  } else {
    ok = ParseVerboseInterval(s, &acc);
  }
  if (!ok) {
    return SqlError(sqlstate::kInvalidDatetimeFormat,
                    absl::StrCat("invalid input syntax for type interval: \"",
                                 absl::string_view(text.data(), text.size()), "\""));
  }
  Int128 micros = acc.whole_micros;
  if (std::fabs(acc.micros) < 1e19) micros += static_cast<int64_t>(std::llround(acc.micros));
  if (acc.months > INT32_MAX || acc.months < INT32_MIN || acc.days > INT32_MAX ||
      acc.days < INT32_MIN || micros > INT64_MAX || micros < INT64_MIN ||
      std::fabs(acc.micros) >= 1e19) {
    return SqlError(sqlstate::kDatetimeOverflow,
                    absl::StrCat("interval field value out of range: \"",
                                 absl::string_view(text.data(), text.size()), "\""));
  }
  Interval iv;
  iv.months = static_cast<int32_t>(acc.months);
  iv.days = static_cast<int32_t>(acc.days);
  iv.micros = static_cast<int64_t>(micros);
  return iv;
}

// ---------------------------------------------------------------------------------------
// Timestamps

namespace {

enum class TsError { kNone, kSyntax, kRange, kZoneRange };

struct ParsedTimestamp {
  int64_t local_us = 0;
  bool has_offset = false;
  int64_t offset_us = 0;
  std::string_view zone_name;  // a trailing zone name ("... Europe/Berlin"), if any
};

// Reads "+HH", "+HHMM", "+HH:MM", "+HH:MM:SS" after the sign.
bool ReadOffset(Reader& r, int64_t* seconds) {
  int64_t hh = 0, mm = 0, ss = 0;
  size_t n = 0;
  if (!r.Digits(&hh, &n, 4)) return false;
  if (n == 4) {
    mm = hh % 100;
    hh /= 100;
  } else if (n == 3) {
    return false;
  } else if (r.Consume(':')) {
    if (!r.Digits(&mm, &n, 2) || n != 2) return false;
    if (r.Consume(':') && (!r.Digits(&ss, &n, 2) || n != 2)) return false;
  }
  if (mm > 59 || ss > 59) return false;
  *seconds = hh * 3600 + mm * 60 + ss;
  return true;
}

TsError ParseTimestampText(std::string_view s, ParsedTimestamp* out) {
  Reader r{s};
  int64_t year = 0, month = 0, day = 0;
  size_t n = 0;
  if (!r.Digits(&year, &n, 6) || n < 4 || !r.Consume('-')) return TsError::kSyntax;
  if (!r.Digits(&month, &n, 2) || !r.Consume('-')) return TsError::kSyntax;
  if (!r.Digits(&day, &n, 2)) return TsError::kSyntax;
  int64_t hour = 0, minute = 0, second = 0, frac = 0;
  bool has_time = false;
  if (r.Consume('T') || r.Consume('t')) {
    has_time = true;
  } else {
    size_t before = r.pos;
    r.SkipSpaces();
    if (IsDigit(r.peek())) {
      has_time = true;
    } else {
      r.pos = before;
    }
  }
  if (has_time) {
    if (!r.Digits(&hour, &n, 2) || !r.Consume(':')) return TsError::kSyntax;
    if (!r.Digits(&minute, &n, 2) || n != 2) return TsError::kSyntax;
    if (r.Consume(':')) {
      if (!r.Digits(&second, &n, 2) || n != 2) return TsError::kSyntax;
      if (r.Consume('.')) {
        size_t start = r.pos;
        while (!r.done() && IsDigit(r.peek())) ++r.pos;
        if (r.pos == start) return TsError::kSyntax;
        frac = FractionMicros(s.substr(start, r.pos - start));
      }
    }
  }
  r.SkipSpaces();
  if (!r.done()) {
    char c = r.peek();
    if (c == '+' || c == '-') {
      ++r.pos;
      int64_t seconds = 0;
      if (!ReadOffset(r, &seconds)) return TsError::kSyntax;
      if (seconds > 15 * 3600 + 59 * 60 + 59) return TsError::kZoneRange;
      out->has_offset = true;
      out->offset_us = (c == '-' ? -seconds : seconds) * kMicrosPerSecond;
    } else if (c == 'Z' || c == 'z') {
      ++r.pos;
      out->has_offset = true;
    } else if (IsAlpha(c)) {
      out->zone_name = s.substr(r.pos);
      r.pos = s.size();
    } else {
      return TsError::kSyntax;
    }
    r.SkipSpaces();
    if (!r.done()) return TsError::kSyntax;
  }
  if (year < 1 || year > 100000) return TsError::kRange;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    return TsError::kRange;
  }
  // 24:00:00 is the next midnight and 23:59:60 a leap second rolling over, as in PostgreSQL.
  if (hour > 24 || minute > 59 || second > 60) return TsError::kRange;
  if (hour == 24 && (minute != 0 || second != 0 || frac != 0)) return TsError::kRange;
  int64_t tod =
      hour * kMicrosPerHour + minute * kMicrosPerMinute + second * kMicrosPerSecond + frac;
  out->local_us = JoinLocal(year, static_cast<int>(month), static_cast<int>(day), tod);
  return TsError::kNone;
}

}  // namespace

absl::StatusOr<int64_t> ParseTimestamp(std::string_view text, const absl::TimeZone& zone) {
  ParsedTimestamp p;
  TsError err = ParseTimestampText(Trim(text), &p);
  absl::string_view quoted(text.data(), text.size());
  switch (err) {
    case TsError::kNone:
      break;
    case TsError::kSyntax:
      return SqlError(
          sqlstate::kInvalidDatetimeFormat,
          absl::StrCat("invalid input syntax for type timestamp with time zone: \"", quoted, "\""));
    case TsError::kRange:
      return SqlError(sqlstate::kDatetimeOverflow,
                      absl::StrCat("date/time field value out of range: \"", quoted, "\""));
    case TsError::kZoneRange:
      return SqlError("22009",
                      absl::StrCat("time zone displacement out of range: \"", quoted, "\""));
  }
  if (p.has_offset) return p.local_us - p.offset_us;
  if (!p.zone_name.empty()) {
    auto named = LoadZone(p.zone_name);
    if (!named.ok()) {
      // "Area/City" is clearly meant as a zone; any other word is just bad input.
      if (p.zone_name.find('/') != std::string_view::npos) return named.status();
      return SqlError(
          sqlstate::kInvalidDatetimeFormat,
          absl::StrCat("invalid input syntax for type timestamp with time zone: \"", quoted, "\""));
    }
    return ZoneConverter(*named).ToUtc(p.local_us);
  }
  return ZoneConverter(zone).ToUtc(p.local_us);
}

// ---------------------------------------------------------------------------------------
// Zones

namespace {

// "+02:00", "-05", "+0530": ISO 8601 offsets (east of Greenwich is positive).
bool ParseFixedOffset(std::string_view name, int* seconds) {
  if (name.size() < 2 || (name[0] != '+' && name[0] != '-')) return false;
  Reader r{name, 1};
  int64_t s = 0;
  if (!ReadOffset(r, &s) || !r.done() || s > 15 * 3600 + 59 * 60 + 59) return false;
  *seconds = static_cast<int>(name[0] == '-' ? -s : s);
  return true;
}

// "europe/berlin" -> "Europe/Berlin", "america/new_york" -> "America/New_York".
std::string CapitalizeZoneName(std::string_view name) {
  std::string out(name);
  bool start = true;
  for (char& c : out) {
    if (c == '/' || c == '_' || c == '-') {
      start = true;
      continue;
    }
    c = start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = false;
  }
  return out;
}

bool LoadZoneUncached(std::string_view raw, absl::TimeZone* out) {
  std::string_view name = Trim(raw);
  if (name.empty()) return false;
  std::string lower = absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  if (lower == "utc" || lower == "gmt" || lower == "z" || lower == "zulu" || lower == "etc/utc" ||
      lower == "universal" || lower == "etc/gmt") {
    *out = absl::UTCTimeZone();
    return true;
  }
  int offset = 0;
  if (ParseFixedOffset(name, &offset)) {
    *out = absl::FixedTimeZone(offset);
    return true;
  }
  // IANA names only: letters, digits and "/_+-"; never a path outside the tz database.
  if (name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '/' && c != '_' && c != '+' && c != '-') return false;
  }
  if (absl::LoadTimeZone(std::string(name), out)) return true;
  return absl::LoadTimeZone(CapitalizeZoneName(name), out);
}

}  // namespace

absl::StatusOr<absl::TimeZone> LoadZone(std::string_view name) {
  static std::mutex mu;
  static auto* cache = new absl::flat_hash_map<std::string, absl::TimeZone>();
  std::string key(name);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(key);
    if (it != cache->end()) return it->second;
  }
  absl::TimeZone zone;
  if (!LoadZoneUncached(name, &zone)) {
    return SqlError(sqlstate::kInvalidTimeZone,
                    absl::StrCat("time zone \"", absl::string_view(name.data(), name.size()),
                                 "\" not recognized"));
  }
  std::lock_guard<std::mutex> lock(mu);
  cache->emplace(std::move(key), zone);
  return zone;
}

}  // namespace strata::query
