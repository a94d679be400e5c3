// fake_containerd/identifiers.h: containerd's identifier rule, applied to
// container ids, exec ids and namespaces:
// ^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$, at most 76 characters.
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

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_IDENTIFIERS_H_
