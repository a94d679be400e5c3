#include "fake_containerd/lease_table.h"

#include "fake_containerd/errors.h"

namespace fake_containerd {

absl::Status LeaseTable::Create(const std::string& ns, const std::string& id) {
  // No identifier check: 1.6.20 takes any lease id ("a b/c", or ctr's random
  // "<nanos>-<base64url>" that may end in '_'; observed).
  if (!by_namespace_[ns].insert(id).second)
    return ErrAlreadyExists("lease \"" + id + "\"");
  return absl::OkStatus();
}

absl::Status LeaseTable::Delete(const std::string& ns, const std::string& id) {
  auto it = by_namespace_.find(ns);
  if (it == by_namespace_.end() || it->second.erase(id) == 0) {
    return ErrNotFound("lease \"" + id + "\"");
  }
  return absl::OkStatus();
}

size_t LeaseTable::size() const {
  size_t n = 0;
  for (const auto& [ns, ids] : by_namespace_) n += ids.size();
  return n;
}

}  // namespace fake_containerd
