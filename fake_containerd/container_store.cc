#include "fake_containerd/container_store.h"

#include "fake_containerd/errors.h"
#include "fake_containerd/event_filter.h"
#include "fake_containerd/identifiers.h"
#include "fake_containerd/timestamps.h"

namespace fake_containerd {
namespace {

absl::Status ValidationError(std::string_view why) {
  return ErrInvalidArgument("create container failed validation: " +
                            std::string(why));
}

absl::Status Validate(const ContainerRecord& c) {
  if (absl::Status s = ValidateIdentifier(c.id()); !s.ok()) {
    return absl::InvalidArgumentError(
        "create container failed validation: container.ID: " +
        std::string(s.message()));
  }
  for (const auto& [k, v] : c.labels()) {
    if (absl::Status s = ValidateLabel(k, v); !s.ok()) {
      return absl::InvalidArgumentError("create container failed validation: " +
                                        std::string(s.message()));
    }
  }
  if (c.runtime().name().empty())
    return ValidationError("container.Runtime.Name must be set");
  if (!c.has_spec()) return ValidationError("container.Spec must be set");
  if (!c.snapshot_key().empty() && c.snapshotter().empty()) {
    return ValidationError(
        "container.Snapshotter must be set if container.SnapshotKey is set");
  }
  return absl::OkStatus();
}

}  // namespace

ContainerStore::ContainerStore(sim::Executor& ex)
    : ex_(ex), set_(ex.NewObject("containerd containers")) {}

absl::StatusOr<const ContainerRecord*> ContainerStore::Get(
    const std::string& ns, const std::string& id) const {
  auto it = records_.find({ns, id});
  if (it == records_.end()) {
    ex_.Touch(set_, sim::Access::kRead);
    return ErrNotFound("container " + Quote(id) + " in namespace " + Quote(ns));
  }
  ex_.Touch(it->second.object, sim::Access::kRead);
  return &it->second.record;
}

absl::StatusOr<std::vector<const ContainerRecord*>> ContainerStore::List(
    const std::string& ns, const std::vector<std::string>& filters) const {
  absl::StatusOr<Filter> f = Filter::Parse(
      filters,
      [](std::string_view field) {
        return field == "id" || field == "runtime.name" || field == "image" ||
               field.starts_with("labels.");
      },
      "failed parsing filters");
  if (!f.ok()) return f.status();
  ex_.Touch(set_, sim::Access::kRead);
  std::vector<const ContainerRecord*> out;
  for (auto it = records_.lower_bound({ns, ""});
       it != records_.end() && it->first.first == ns; ++it) {
    ex_.Touch(it->second.object, sim::Access::kRead);
    const ContainerRecord& c = it->second.record;
    bool match = f->Matches(
        [&c](std::string_view field) -> std::optional<std::string_view> {
          if (field == "id") return c.id();
          if (field == "runtime.name") return c.runtime().name();
          if (field == "image") return c.image();
          auto label =
              c.labels().find(std::string(field.substr(7)));  // "labels."
          if (label == c.labels().end()) return std::nullopt;
          return label->second;
        });
    if (match) out.push_back(&c);
  }
  return out;
}

absl::StatusOr<const ContainerRecord*> ContainerStore::Create(
    const std::string& ns, ContainerRecord c, sim::Nanos now) {
  if (absl::Status s = Validate(c); !s.ok()) return s;
  auto key = std::make_pair(ns, c.id());
  if (auto it = records_.find(key); it != records_.end()) {
    ex_.Touch(it->second.object, sim::Access::kRead);
    return ErrAlreadyExists("container " + Quote(c.id()));
  }
  ex_.Touch(set_, sim::Access::kWrite);
  SetVirtualTime(now, c.mutable_created_at());
  SetVirtualTime(now, c.mutable_updated_at());
  const sim::ObjectId object =
      ex_.NewObject("containerd container " + ns + "/" + c.id());
  ex_.Touch(object, sim::Access::kWrite);
  return &records_.emplace(key, Entry{std::move(c), object})
              .first->second.record;
}

absl::StatusOr<const ContainerRecord*> ContainerStore::Update(
    const std::string& ns, const ContainerRecord& c,
    const std::vector<std::string>& paths, sim::Nanos now) {
  auto it = records_.find({ns, c.id()});
  if (it == records_.end()) {
    ex_.Touch(set_, sim::Access::kRead);
    return ErrNotFound("container " + Quote(c.id()));
  }
  // Written even when the update is refused: a refusal reads it all the same.
  ex_.Touch(it->second.object, sim::Access::kWrite);
  ContainerRecord updated = it->second.record;
  std::vector<std::string> fields = paths;
  if (fields.empty()) {
    // No mask: the mutable fields are replaced; the immutable ones must not
    // differ.
    fields = {"labels", "spec", "extensions", "image", "snapshotkey"};
    if (c.runtime().name() != updated.runtime().name()) {
      return ErrInvalidArgument("container.Runtime.Name field is immutable");
    }
    if (c.snapshotter() != updated.snapshotter()) {
      return ErrInvalidArgument("container.Snapshotter field is immutable");
    }
  }
  for (const std::string& path : fields) {
    if (path == "labels") {
      *updated.mutable_labels() = c.labels();
    } else if (path.starts_with("labels.")) {
      const std::string key = path.substr(7);
      auto v = c.labels().find(key);
      if (v == c.labels().end()) {
        updated.mutable_labels()->erase(key);
      } else {
        (*updated.mutable_labels())[key] = v->second;
      }
    } else if (path == "spec") {
      *updated.mutable_spec() = c.spec();
    } else if (path == "extensions") {
      *updated.mutable_extensions() = c.extensions();
    } else if (path.starts_with("extensions.")) {
      const std::string key = path.substr(11);
      auto v = c.extensions().find(key);
      if (v == c.extensions().end()) {
        updated.mutable_extensions()->erase(key);
      } else {
        (*updated.mutable_extensions())[key] = v->second;
      }
    } else if (path == "image") {
      updated.set_image(c.image());
    } else if (path == "snapshotkey") {
      updated.set_snapshot_key(c.snapshot_key());
    } else {
      return ErrInvalidArgument("cannot update " + Quote(path) + " field on " +
                                Quote(c.id()));
    }
  }
  SetVirtualTime(now, updated.mutable_updated_at());
  it->second.record = std::move(updated);
  return &it->second.record;
}

absl::Status ContainerStore::Delete(const std::string& ns,
                                    const std::string& id) {
  auto it = records_.find({ns, id});
  ex_.Touch(set_,
            it == records_.end() ? sim::Access::kRead : sim::Access::kWrite);
  if (it == records_.end()) return ErrNotFound("container " + id);
  ex_.Touch(it->second.object, sim::Access::kWrite);
  records_.erase(it);
  return absl::OkStatus();
}

}  // namespace fake_containerd
