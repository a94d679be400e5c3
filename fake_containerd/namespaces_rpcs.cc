// fake_containerd/namespaces_rpcs.cc: FakeContainerd's Namespaces service, in
// containerd 1.6.20's order of checks (services/namespaces over the metadata
// store's namespace buckets).
#include <google/protobuf/map.h>

#include "containerd/events/namespace.pb.h"
#include "fake_containerd/errors.h"
#include "fake_containerd/fake_containerd.h"

namespace fake_containerd {
namespace {

namespace ev = ::containerd::events;

Labels LabelsOf(const google::protobuf::Map<std::string, std::string>& m) {
  return Labels(m.begin(), m.end());
}

// containerd 1.6.20 publishes a Create's or Update's event in the caller's
// namespace (the header), after the change is stored: without a header the
// change stays and the call fails (observed).
absl::Status PublishIn(EventExchange& events, const std::string& header_ns,
                       const std::string& topic,
                       const google::protobuf::Message& payload) {
  if (header_ns.empty()) {
    return absl::UnknownError(
        "failed publishing event: namespace is required: failed precondition");
  }
  events.Publish(header_ns, topic, payload);
  return absl::OkStatus();
}

void FillNamespace(const std::string& name, const Labels& labels,
                   npb::Namespace* out) {
  out->set_name(name);
  out->mutable_labels()->insert(labels.begin(), labels.end());
}

}  // namespace

absl::Status FakeContainerd::GetNamespace(const npb::GetNamespaceRequest& req,
                                          npb::GetNamespaceResponse* resp) {
  Count(method::kNamespacesPrefix, "Get");
  ex_.Touch(namespaces_object_, sim::Access::kRead);
  // No existence check: a namespace nothing was written in has no labels.
  FillNamespace(req.name(), namespaces_.Get(req.name()),
                resp->mutable_namespace_());
  return absl::OkStatus();
}

absl::Status FakeContainerd::ListNamespaces(const npb::ListNamespacesRequest&,
                                            npb::ListNamespacesResponse* resp) {
  Count(method::kNamespacesPrefix, "List");
  ex_.Touch(namespaces_object_, sim::Access::kRead);
  // The 1.6 server ignores the filter.
  for (const auto& [name, labels] : namespaces_.List()) {
    FillNamespace(name, labels, resp->add_namespaces());
  }
  return absl::OkStatus();
}

absl::Status FakeContainerd::CreateNamespace(
    const std::string& ns, const npb::CreateNamespaceRequest& req,
    npb::CreateNamespaceResponse* resp) {
  Count(method::kNamespacesPrefix, "Create");
  ex_.Touch(namespaces_object_, sim::Access::kWrite);
  const std::string& name = req.namespace_().name();
  const Labels labels = LabelsOf(req.namespace_().labels());
  if (absl::Status s = namespaces_.Create(name, labels); !s.ok()) return s;
  *resp->mutable_namespace_() = req.namespace_();
  ev::NamespaceCreate e;
  e.set_name(name);
  *e.mutable_labels() = req.namespace_().labels();
  return PublishIn(events_, ns, "/namespaces/create", e);
}

absl::Status FakeContainerd::UpdateNamespace(
    const std::string& ns, const npb::UpdateNamespaceRequest& req,
    npb::UpdateNamespaceResponse* /*resp, left empty*/) {
  Count(method::kNamespacesPrefix, "Update");
  ex_.Touch(namespaces_object_, sim::Access::kWrite);
  const std::string& name = req.namespace_().name();
  const Labels wanted = LabelsOf(req.namespace_().labels());
  if (req.update_mask().paths().empty()) {
    // Every label replaced: the old ones cleared, the request's set.
    for (const auto& [key, value] : namespaces_.Get(name)) {
      if (absl::Status s = namespaces_.SetLabel(name, key, ""); !s.ok()) {
        return s;
      }
    }
    for (const auto& [key, value] : wanted) {
      if (absl::Status s = namespaces_.SetLabel(name, key, value); !s.ok()) {
        return s;
      }
    }
  } else {
    for (const std::string& path : req.update_mask().paths()) {
      if (!path.starts_with("labels.")) {
        // Without the usual ": invalid argument" suffix (observed).
        return absl::InvalidArgumentError("cannot update " + Quote(path) +
                                          " field");
      }
      const std::string key = path.substr(7);
      auto value = wanted.find(key);
      if (absl::Status s = namespaces_.SetLabel(
              name, key, value == wanted.end() ? "" : value->second);
          !s.ok()) {
        return s;
      }
    }
  }
  // The reply carries no namespace (observed, 1.6.20); the event carries the
  // request's labels.
  ev::NamespaceUpdate e;
  e.set_name(name);
  *e.mutable_labels() = req.namespace_().labels();
  return PublishIn(events_, ns, "/namespaces/update", e);
}

absl::Status FakeContainerd::DeleteNamespace(
    const npb::DeleteNamespaceRequest& req) {
  Count(method::kNamespacesPrefix, "Delete");
  ex_.Touch(namespaces_object_, sim::Access::kWrite);
  ex_.Touch(leases_object_, sim::Access::kWrite);
  const std::string& name = req.name();
  absl::StatusOr<std::vector<const ContainerRecord*>> held =
      containers_.List(name, {});
  const bool has_containers = held.ok() && !held->empty();
  if (absl::Status s = namespaces_.Delete(name, has_containers); !s.ok()) {
    return s;
  }
  leases_.DropNamespace(name);
  // Published in the deleted namespace itself, so no header is needed.
  ev::NamespaceDelete e;
  e.set_name(name);
  events_.Publish(name, "/namespaces/delete", e);
  return absl::OkStatus();
}

}  // namespace fake_containerd
