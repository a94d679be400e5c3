#include "fake_containerd/namespace_table.h"

#include "fake_containerd/errors.h"
#include "fake_containerd/identifiers.h"

namespace fake_containerd {

Labels NamespaceTable::Get(const std::string& ns) const {
  auto it = labels_.find(ns);
  return it == labels_.end() ? Labels() : it->second;
}

absl::Status NamespaceTable::Create(const std::string& ns,
                                    const Labels& labels) {
  if (absl::Status s = ValidateIdentifier(ns); !s.ok()) return s;
  for (const auto& [k, v] : labels) {
    if (absl::Status s = ValidateLabel(k, v); !s.ok()) return s;
  }
  if (labels_.contains(ns)) return ErrAlreadyExists("namespace " + Quote(ns));
  Labels& stored = labels_[ns];
  for (const auto& [k, v] : labels) {
    if (!v.empty()) stored[k] = v;
  }
  return absl::OkStatus();
}

absl::Status NamespaceTable::SetLabel(const std::string& ns,
                                      const std::string& key,
                                      const std::string& value) {
  if (absl::Status s = ValidateIdentifier(ns); !s.ok()) return s;
  if (absl::Status s = ValidateLabel(key, value); !s.ok()) return s;
  Labels& labels = labels_[ns];
  if (value.empty()) {
    labels.erase(key);
  } else {
    labels[key] = value;
  }
  return absl::OkStatus();
}

absl::Status NamespaceTable::Delete(const std::string& ns,
                                    bool has_containers) {
  if (has_containers) {
    return ErrFailedPrecondition("namespace " + Quote(ns) +
                                 " must be empty, but it still has containers");
  }
  if (labels_.erase(ns) == 0) return ErrNotFound("namespace " + Quote(ns));
  return absl::OkStatus();
}

}  // namespace fake_containerd
