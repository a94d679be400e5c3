// fake_containerd/container_store.h: containerd's container metadata store, per
// namespace: validation on Create, update masks, list filters, and the observed
// error texts. Containers.Delete does not look at tasks (a running task is
// orphaned, as in 1.6.20).
//
// Footprints: each record is an object of its own and the set of records
// (which ids exist) another, so partial-order reduction orders a call about
// one container only against calls about the same one, and a lookup that
// finds nothing, a create and a delete against each other.
#ifndef DSIM_FAKE_CONTAINERD_CONTAINER_STORE_H_
#define DSIM_FAKE_CONTAINERD_CONTAINER_STORE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "sim/executor.h"

namespace fake_containerd {

using ContainerRecord = containerd::services::containers::v1::Container;

class ContainerStore {
 public:
  explicit ContainerStore(sim::Executor& ex);

  // NOT_FOUND `container "X" in namespace "NS": not found`.
  absl::StatusOr<const ContainerRecord*> Get(const std::string& ns,
                                             const std::string& id) const;
  // Filters over id, runtime.name, image, labels.<k> (see event_filter.h for
  // the syntax).
  absl::StatusOr<std::vector<const ContainerRecord*>> List(
      const std::string& ns, const std::vector<std::string>& filters) const;
  absl::StatusOr<const ContainerRecord*> Create(const std::string& ns,
                                                ContainerRecord c,
                                                sim::Nanos now);
  absl::StatusOr<const ContainerRecord*> Update(
      const std::string& ns, const ContainerRecord& c,
      const std::vector<std::string>& paths, sim::Nanos now);
  absl::Status Delete(const std::string& ns, const std::string& id);

 private:
  struct Entry {
    ContainerRecord record;
    sim::ObjectId object;
  };

  sim::Executor& ex_;
  const sim::ObjectId set_;  // which records exist
  std::map<std::pair<std::string, std::string>, Entry> records_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_CONTAINER_STORE_H_
