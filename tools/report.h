// tools/report.h: how dsim prints a --json report (a proto3 message of
// proto/dsim/report.proto, through protobuf's JSON printer) and the
// order-independent hash explore's summary carries (harness/summary.h).
#ifndef DSIM_TOOLS_REPORT_H_
#define DSIM_TOOLS_REPORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "harness/summary.h"

namespace dsim {

// `report` as one line of JSON with its proto field names as keys. With
// `every_scalar`, zero numbers, false and empty strings and lists are printed
// too (a key a reader looks for is always there).
std::string ReportJson(const google::protobuf::Message& report,
                       bool every_scalar = true);
// Parses what ReportJson printed (unknown keys are an error).
absl::Status ParseReportJson(const std::string& json,
                             google::protobuf::Message* report);

// `v` rounded to `decimals` places, so a report prints 0.123, not
// 0.12300000000000001.
double Rounded(double v, int decimals);

// 16 lowercase hex digits, and back.
std::string Hex16(uint64_t v);
bool ParseHex16(const std::string& hex, uint64_t* v);

// explore's summary hash (harness/summary.h).
using harness::kEmptyRunsHash;
using harness::RunHashTerm;

}  // namespace dsim

#endif  // DSIM_TOOLS_REPORT_H_
