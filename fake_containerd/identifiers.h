// fake_containerd/identifiers.h: containerd's identifier rule, applied to
// container ids, exec ids and namespaces
// (^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$, at most 76 characters), and its
// label size rule.
#ifndef DSIM_FAKE_CONTAINERD_IDENTIFIERS_H_
#define DSIM_FAKE_CONTAINERD_IDENTIFIERS_H_

#include <string_view>

#include "absl/status/status.h"

namespace fake_containerd {

inline constexpr size_t kMaxIdentifierLength = 76;
inline constexpr std::string_view kIdentifierPattern =
    "^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$";

bool IsValidIdentifier(std::string_view s);

// OK, or INVALID_ARGUMENT with containerd's texts:
//   identifier must not be empty: invalid argument
//   identifier "x" greater than maximum length (76 characters): invalid
//   argument identifier "bad id!" must match ^[A-Za-z0-9]+...$: invalid
//   argument
absl::Status ValidateIdentifier(std::string_view s);

// A label's key and value together: at most 4096 bytes. OK, or
// INVALID_ARGUMENT "label key and value greater than maximum size (4096
// bytes), key: <first 10 bytes>: invalid argument".
inline constexpr size_t kMaxLabelSize = 4096;
absl::Status ValidateLabel(std::string_view key, std::string_view value);

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_IDENTIFIERS_H_
