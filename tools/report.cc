// tools/report.cc: JSON reports and the summary hash.
#include "tools/report.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"

namespace dsim {

std::string ReportJson(const google::protobuf::Message& report,
                       bool every_scalar) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = every_scalar;
  std::string json;
  // Printing a well-formed message to a string cannot fail.
  (void)google::protobuf::util::MessageToJsonString(report, &json, options);
  return json;
}

absl::Status ParseReportJson(const std::string& json,
                             google::protobuf::Message* report) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status =
      google::protobuf::util::JsonStringToMessage(json, report, options);
  if (status.ok()) return absl::OkStatus();
  // The parser's message goes on to quote the input over several lines.
  const std::string why(status.message());
  return absl::InvalidArgumentError(why.substr(0, why.find('\n')));
}

double Rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

std::string Hex16(uint64_t v) { return absl::StrFormat("%016x", v); }

bool ParseHex16(const std::string& hex, uint64_t* v) {
  return hex.size() == 16 && absl::SimpleHexAtoi(hex, v);
}

}  // namespace dsim
