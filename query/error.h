// SQL errors: an absl::Status that carries a SQLSTATE code and, for syntax errors, the
// 1-based character position in the query text (PostgreSQL's convention).
//
// The query layer returns only these; a non-SQL status coming from below (a corrupt
// segment, an I/O error) is mapped by SqlStateOf to an internal-error code.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata::query {

namespace sqlstate {
inline constexpr std::string_view kSyntaxError = "42601";
inline constexpr std::string_view kUndefinedColumn = "42703";
inline constexpr std::string_view kUndefinedTable = "42P01";
inline constexpr std::string_view kUndefinedFunction = "42883";
inline constexpr std::string_view kDatatypeMismatch = "42804";
inline constexpr std::string_view kGroupingError = "42803";  // column must appear in GROUP BY
inline constexpr std::string_view kAmbiguousColumn = "42702";
inline constexpr std::string_view kDuplicateAlias = "42712";
inline constexpr std::string_view kFeatureNotSupported = "0A000";
inline constexpr std::string_view kInvalidParameterValue = "22023";
inline constexpr std::string_view kDivisionByZero = "22012";
inline constexpr std::string_view kInvalidDatetimeFormat = "22007";
inline constexpr std::string_view kDatetimeOverflow = "22008";
inline constexpr std::string_view kInvalidTextRepresentation = "22P02";  // bad cast input
inline constexpr std::string_view kNumericOutOfRange = "22003";
inline constexpr std::string_view kInvalidRegex = "2201B";
inline constexpr std::string_view kInvalidTimeZone = "22023";
inline constexpr std::string_view kProgramLimitExceeded = "54000";  // result / memory limit
inline constexpr std::string_view kStatementTooComplex = "54001";   // nesting too deep
inline constexpr std::string_view kQueryCanceled = "57014";
inline constexpr std::string_view kInsufficientPrivilege = "42501";
inline constexpr std::string_view kDataCorrupted = "XX001";
inline constexpr std::string_view kInternalError = "XX000";
}  // namespace sqlstate

// Builds an error status. `position` is 1-based in the statement text; 0 = none.
absl::Status SqlError(std::string_view state, std::string_view message, int position = 0);

// The SQLSTATE of any status: the attached one, else one derived from the status code
// (DataLoss -> XX001, Cancelled -> 57014, ResourceExhausted -> 54000, else XX000).
std::string SqlStateOf(const absl::Status& status);
// The attached position, or 0.
int ErrorPosition(const absl::Status& status);
// `status` with `position` attached unless it already has one (OK stays OK).
absl::Status WithPosition(const absl::Status& status, int position);

}  // namespace strata::query
