// regexp_like, regexp_match, regexp_replace via RE2. A constant pattern is compiled once
// per expression (and checked when the expression is built); a pattern that varies per row
// is recompiled only when it changes. As in PostgreSQL's default mode, '.' matches a
// newline. Flags: i (case-insensitive), c (case-sensitive), n / m (newline-sensitive),
// g (every match; regexp_replace only).
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "query/functions.h"
#include "re2/re2.h"

namespace strata::query {
namespace {

struct Flags {
  bool case_insensitive = false;
  bool newline_sensitive = false;
  bool global = false;
};

absl::Status ParseFlags(std::string_view text, Flags* flags) {
  for (char c : text) {
    switch (c) {
      case 'i':
        flags->case_insensitive = true;
        break;
      case 'c':
        flags->case_insensitive = false;
        break;
      case 'n':
      case 'm':
        flags->newline_sensitive = true;
        break;
      case 's':
        flags->newline_sensitive = false;
        break;
      case 'g':
        flags->global = true;
        break;
      default:
        return SqlError(
            sqlstate::kInvalidParameterValue,
            absl::StrCat("invalid regular expression option: \"", absl::string_view(&c, 1), "\""));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RE2>> Compile(std::string_view pattern, const Flags& flags) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!flags.case_insensitive);
  options.set_dot_nl(!flags.newline_sensitive);
  std::string text =
      flags.newline_sensitive ? absl::StrCat("(?m)", AbslView(pattern)) : std::string(pattern);
  auto re = std::make_unique<RE2>(text, options);
  if (!re->ok()) {
    return SqlError(sqlstate::kInvalidRegex,
                    absl::StrCat("invalid regular expression: ", re->error()));
  }
  return re;
}

// PostgreSQL's replacement syntax (\1..\9, \& for the whole match, \\ for a backslash) as
// an RE2 rewrite; references to groups the pattern lacks become empty, as in PostgreSQL.
std::string ToRewrite(std::string_view replacement, int groups) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c != '\\' || i + 1 == replacement.size()) {
      if (c == '\\')
        out += "\\\\";
      else
        out += c;
      continue;
    }
    char next = replacement[++i];
    if (next == '&') {
      out += "\\0";
    } else if (next >= '1' && next <= '9') {
      if (next - '0' <= groups) {
        out += '\\';
        out += next;
      }
    } else if (next == '\\') {
      out += "\\\\";
    } else {
      out += "\\\\";
      out += next;
    }
  }
  return out;
}

struct RegexState : FunctionState {
  // The compiled pattern for (pattern, flags); `fixed` if both are constants.
  std::unique_ptr<RE2> re;
  bool fixed = false;
  std::string pattern;
  std::string flags_text;
  Flags flags;
  CodeVerdicts verdicts;
  std::string rewrite;
  std::string replacement;  // the replacement `rewrite` was made from
  std::string buf;

  // Makes `re` match (pattern, flags) for one row.
  absl::Status Use(std::string_view p, std::string_view f) {
    if (fixed || (re != nullptr && p == pattern && f == flags_text)) return absl::OkStatus();
    flags = Flags();
    RETURN_IF_ERROR(ParseFlags(f, &flags));
    ASSIGN_OR_RETURN(re, Compile(p, flags));
    pattern.assign(p);
    flags_text.assign(f);
    return absl::OkStatus();
  }
};

// Pattern is argument 1, flags (optional) argument `flags_arg`.
absl::StatusOr<std::unique_ptr<FunctionState>> MakeRegexState(const BoundExpr& call,
                                                              size_t flags_arg) {
  auto state = std::make_unique<RegexState>();
  bool has_flags = call.args.size() > flags_arg;
  if (call.args[1]->is_constant() && (!has_flags || call.args[flags_arg]->is_constant())) {
    std::string_view flags = has_flags ? call.args[flags_arg]->constant.s : std::string_view();
    RETURN_IF_ERROR(state->Use(call.args[1]->constant.s, flags));
    state->fixed = true;
  }
  return state;
}

absl::StatusOr<std::unique_ptr<FunctionState>> MakeLikeState(const BoundExpr& call) {
  ASSIGN_OR_RETURN(auto state, MakeRegexState(call, 2));
  auto* rs = static_cast<RegexState*>(state.get());
  if (rs->fixed && rs->flags.global) {
    return SqlError(sqlstate::kInvalidParameterValue,
                    "regexp_like() does not support the \"global\" option");
  }
  return state;
}
absl::StatusOr<std::unique_ptr<FunctionState>> MakeMatchState(const BoundExpr& call) {
  return MakeRegexState(call, 2);
}
absl::StatusOr<std::unique_ptr<FunctionState>> MakeReplaceState(const BoundExpr& call) {
  return MakeRegexState(call, 3);
}

std::string_view FlagsAt(const KernelArgs& a, size_t arg, size_t row) {
  return a.nargs > arg ? a.arg(arg).str[row] : std::string_view();
}

bool Search(const RE2& re, std::string_view s) {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
}

absl::Status RegexpLike(const KernelArgs& a, Vector* out) {
  auto* st = static_cast<RegexState*>(a.state);
  const Vector& s = a.arg(0);
  if (st->fixed) {
    const RE2& re = *st->re;
    if (CodeVerdicts::Usable(s)) {
      st->verdicts.Apply(
          s, nullptr, a.rows, [&re](std::string_view x) { return Search(re, x); }, out->i64.data());
      return absl::OkStatus();
    }
    for (size_t i = 0; i < a.rows; ++i) {
      if (!a.skip(i)) out->i64[i] = Search(re, s.str[i]);
    }
    return absl::OkStatus();
  }
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    RETURN_IF_ERROR(st->Use(a.arg(1).str[i], FlagsAt(a, 2, i)));
    if (st->flags.global) {
      return SqlError(sqlstate::kInvalidParameterValue,
                      "regexp_like() does not support the \"global\" option");
    }
    out->i64[i] = Search(*st->re, s.str[i]);
  }
  return absl::OkStatus();
}

// The first match: capture group 1 if the pattern has groups, else the whole match. A
// view into the subject.
absl::Status RegexpMatch(const KernelArgs& a, Vector* out) {
  auto* st = static_cast<RegexState*>(a.state);
  const Vector& s = a.arg(0);
  for (const auto& h : s.heaps) out->heaps.push_back(h);
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    RETURN_IF_ERROR(st->Use(a.arg(1).str[i], FlagsAt(a, 2, i)));
    const RE2& re = *st->re;
    re2::StringPiece text(s.str[i].data(), s.str[i].size());
    re2::StringPiece groups[2];
    int want = re.NumberOfCapturingGroups() >= 1 ? 2 : 1;
    if (!re.Match(text, 0, text.size(), RE2::UNANCHORED, groups, want) ||
        groups[want - 1].data() == nullptr) {
      out->SetNull(i);
      continue;
    }
    out->str[i] = std::string_view(groups[want - 1].data(), groups[want - 1].size());
  }
  return absl::OkStatus();
}

absl::Status RegexpReplace(const KernelArgs& a, Vector* out) {
  auto* st = static_cast<RegexState*>(a.state);
  const Vector& s = a.arg(0);
  const Vector& replacement = a.arg(2);
  StringHeap* heap = out->NewHeap();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    RETURN_IF_ERROR(st->Use(a.arg(1).str[i], FlagsAt(a, 3, i)));
    const RE2& re = *st->re;
    std::string_view r = replacement.str[i];
    if (st->rewrite.empty() || r != st->replacement) {
      st->replacement.assign(r);
      st->rewrite = ToRewrite(r, re.NumberOfCapturingGroups());
    }
    st->buf.assign(s.str[i]);
    if (st->flags.global) {
      RE2::GlobalReplace(&st->buf, re, st->rewrite);
    } else {
      RE2::Replace(&st->buf, re, st->rewrite);
    }
    out->str[i] = heap->Add(st->buf);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry& r) {
  using T = Type;
  auto add = [&r](std::string_view name, std::vector<Type> args, Type result, Kernel kernel,
                  StateFactory make_state) {
    ScalarFunction f = Fn(name, std::move(args), result, kernel);
    f.make_state = make_state;
    r.Add(f);
  };
  add("regexp_like", {T::kString, T::kString}, T::kBool, RegexpLike, MakeLikeState);
  add("regexp_like", {T::kString, T::kString, T::kString}, T::kBool, RegexpLike, MakeLikeState);
  add("regexp_match", {T::kString, T::kString}, T::kString, RegexpMatch, MakeMatchState);
  add("regexp_match", {T::kString, T::kString, T::kString}, T::kString, RegexpMatch,
      MakeMatchState);
  add("regexp_replace", {T::kString, T::kString, T::kString}, T::kString, RegexpReplace,
      MakeReplaceState);
  add("regexp_replace", {T::kString, T::kString, T::kString, T::kString}, T::kString, RegexpReplace,
      MakeReplaceState);
}

}  // namespace strata::query
