#include "fake_containerd/identifiers.h"

#include <string>

#include "fake_containerd/errors.h"

namespace fake_containerd {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}
bool IsSeparator(char c) { return c == '.' || c == '_' || c == '-'; }

}  // namespace

bool IsValidIdentifier(std::string_view s) {
  // Alphanumeric runs joined by single separators; no separator at either end.
  if (s.empty() || s.size() > kMaxIdentifierLength) return false;
  bool prev_alnum = false;
  for (char c : s) {
    if (IsAlnum(c)) {
      prev_alnum = true;
    } else if (IsSeparator(c) && prev_alnum) {
      prev_alnum = false;
    } else {
      return false;
    }
  }
  return prev_alnum;
}

absl::Status ValidateIdentifier(std::string_view s) {
  if (s.empty()) return ErrInvalidArgument("identifier must not be empty");
  if (s.size() > kMaxIdentifierLength) {
    return ErrInvalidArgument(
        "identifier " + Quote(s) + " greater than maximum length (" +
        std::to_string(kMaxIdentifierLength) + " characters)");
  }
  if (!IsValidIdentifier(s)) {
    return ErrInvalidArgument("identifier " + Quote(s) + " must match " +
                              std::string(kIdentifierPattern));
  }
  return absl::OkStatus();
}

absl::Status ValidateLabel(std::string_view key, std::string_view value) {
  if (key.size() + value.size() > kMaxLabelSize) {
    return ErrInvalidArgument(
        "label key and value greater than maximum size (4096 bytes), key: " +
        std::string(key.substr(0, 10)));
  }
  return absl::OkStatus();
}

}  // namespace fake_containerd
