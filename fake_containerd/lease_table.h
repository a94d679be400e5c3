// fake_containerd/lease_table.h: containerd's leases, reduced to what the
// daemon touches: the Go client's NewContainer creates one lease around
// Containers/Create and deletes it after. Nothing reads a lease, so a lease is
// an id per namespace.
#ifndef DSIM_FAKE_CONTAINERD_LEASE_TABLE_H_
#define DSIM_FAKE_CONTAINERD_LEASE_TABLE_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"

namespace fake_containerd {

class LeaseTable {
 public:
  // ALREADY_EXISTS `lease "X": already exists`; the id must be a valid
  // identifier.
  absl::Status Create(const std::string& ns, const std::string& id);
  // NOT_FOUND `lease "X": not found`.
  absl::Status Delete(const std::string& ns, const std::string& id);
  size_t size() const;
  // Its namespace was deleted.
  void DropNamespace(const std::string& ns) { by_namespace_.erase(ns); }

 private:
  std::map<std::string, std::set<std::string>> by_namespace_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_LEASE_TABLE_H_
