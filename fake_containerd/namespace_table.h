// fake_containerd/namespace_table.h: containerd's namespaces and their labels.
// In containerd 1.6 a namespace exists once something was written in it (its
// bucket in the metadata store): Namespaces.Create or a label, a container, a
// lease. Reads never create one, and Get answers for any name, with empty
// labels for one that does not exist (observed, 1.6.20).
#ifndef DSIM_FAKE_CONTAINERD_NAMESPACE_TABLE_H_
#define DSIM_FAKE_CONTAINERD_NAMESPACE_TABLE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace fake_containerd {

using Labels = std::map<std::string, std::string>;

class NamespaceTable {
 public:
  // A write in `ns` (a container, a lease): it exists from now on.
  // REQUIRES: ns is a valid identifier.
  void Touch(const std::string& ns) { labels_[ns]; }
  bool Exists(const std::string& ns) const { return labels_.contains(ns); }

  // Empty labels for a namespace that does not exist.
  Labels Get(const std::string& ns) const;
  // Names in byte order (bolt's key order), each with its labels.
  const std::map<std::string, Labels>& List() const { return labels_; }
  // INVALID_ARGUMENT for a bad name or label; ALREADY_EXISTS
  // `namespace "X": already exists`.
  absl::Status Create(const std::string& ns, const Labels& labels);
  // Sets one label (an empty value removes it); creates the namespace.
  absl::Status SetLabel(const std::string& ns, const std::string& key,
                        const std::string& value);
  // NOT_FOUND `namespace "X": not found`. `has_containers`: the namespace
  // still holds containers (FAILED_PRECONDITION, nothing removed).
  absl::Status Delete(const std::string& ns, bool has_containers);

 private:
  std::map<std::string, Labels> labels_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_NAMESPACE_TABLE_H_
