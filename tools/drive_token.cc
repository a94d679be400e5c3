#include "tools/drive_token.h"

#include "absl/strings/escaping.h"

namespace dsim {

namespace {

constexpr char kTokenPrefix[] = "dsimdrive1";

}  // namespace

std::string EncodeToken(const dsim::docker::DriveToken& t) {
  return kTokenPrefix + absl::BytesToHexString(t.SerializeAsString());
}

absl::StatusOr<dsim::docker::DriveToken> DecodeToken(const std::string& s) {
  std::string bytes;
  dsim::docker::DriveToken t;
  if (s.rfind(kTokenPrefix, 0) != 0) {
    return absl::InvalidArgumentError(
        "not a drive token (they start with dsimdrive1)");
  }
  const std::string hex = s.substr(sizeof(kTokenPrefix) - 1);
  const bool is_hex =
      hex.size() % 2 == 0 &&
      hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (is_hex) bytes = absl::HexStringToBytes(hex);
  if (!is_hex || hex.empty() || !t.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("corrupt drive token");
  }
  return t;
}

}  // namespace dsim
