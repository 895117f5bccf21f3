// Values on the wire: query::Value <-> PostgreSQL's text and binary formats, by type OID.
//
// Results (DataRow fields):
//   text    every type, as PostgreSQL prints it (timestamps in the session's TimeZone,
//           "2026-11-01 12:00:00+00"; bytea as \x hex)
//   binary  bool, int2, int4, int8, oid, float4, float8,
//           text/varchar/bpchar/name/char/unknown, bytea, timestamptz/timestamp (µs since
//           2000-01-01), date (days since 2000-01-01), interval (µs, days, months);
//           numeric, arrays and reg* (names, as the catalog returns them) are text
//           only (0A000 if binary is asked for)
// Parameters (Bind): the same types in text and binary, plus numeric (text and binary,
// read as double precision). Unspecified (0) and text-like parameters become
// query::Value::String, which the binder treats as an untyped literal.
//
// OidOf(query::Type) (declared in pg_catalog.h) is implemented in pg_types.cc.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "query/types.h"
#include "server/pgwire/pg_catalog.h"

namespace strata::server::pgwire {

// Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01 00:00:00 UTC.
inline constexpr int64_t kPgEpochUnixMicros = 946'684'800'000'000;

// pg_type.typlen for RowDescription: 1, 2, 4, 8, 16, 64 (name) or -1 (variable).
int16_t TypeLength(uint32_t oid);
// The name PostgreSQL uses for `oid` in messages ("bigint", "timestamp with time zone").
const char* PgTypeName(uint32_t oid);
// True if results of type `oid` can be sent in binary.
bool SupportsBinaryResult(uint32_t oid);

// Appends `v` (not NULL) in text form for a column of type `oid` to *out.
void AppendText(const query::Value& v, uint32_t oid, const absl::TimeZone& zone, std::string* out);
// Appends `v` (not NULL) in binary form for a column of type `oid`. 0A000 if the type has
// no binary form here, 22003 if the value does not fit (int2/int4), XX000 if the value's
// type cannot be sent as `oid`.
absl::Status AppendBinary(const query::Value& v, uint32_t oid, std::string* out);

// Appends one DataRow message ('D') for `row`: field c of type columns[c].type_oid in the
// format FormatAt(formats, c) (pg_message.h), text timestamps in `zone`. On an
// AppendBinary error nothing is appended (never half a message).
absl::Status WriteDataRow(const std::vector<query::Value>& row,
                          const std::vector<CatalogColumn>& columns,
                          const std::vector<int16_t>& formats, const absl::TimeZone& zone,
                          std::string* out);

// OK if `text` is valid UTF-8 (the only client encoding); else 22021 naming the first
// bad byte as PostgreSQL does: invalid byte sequence for encoding "UTF8": 0xff.
absl::Status CheckUtf8(std::string_view text);

// Decodes one Bind parameter (`bytes` nullopt = NULL) sent with type `oid` (0 =
// unspecified) in `format` (0 text, 1 binary). Text timestamps without an offset are in
// `zone`. Errors: 22P02 / 22007 / 22003 bad text, 22P03 bad binary, 0A000 binary of a type
// this server cannot read.
absl::StatusOr<query::Value> DecodeParam(std::optional<std::string_view> bytes, uint32_t oid,
                                         int16_t format, const absl::TimeZone& zone);

}  // namespace strata::server::pgwire
