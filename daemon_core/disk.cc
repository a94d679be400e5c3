// daemon_core/disk.cc: the simulated daemon root.
#include "daemon_core/disk.h"

namespace daemon_core {

void Disk::CreateRoot(const std::string& id) {
  auto& root = roots_[id];
  if (root == nullptr) root = std::make_unique<Root>(ex_, id, Dir{});
  Dir d;
  d.exists = true;
  root->dir.Set(std::move(d));
}

sim::Task<absl::Status> Disk::Write(ContainerCheckpoint cp) {
  auto it = roots_.find(cp.id);
  if (it == roots_.end() || !it->second->dir.Get().exists) {
    co_return absl::NotFoundError("open /var/lib/docker/containers/" + cp.id +
                                  "/config.v2.json: no such file or directory");
  }
  Root& root = *it->second;
  ++root.open_files;
  co_await ex_.Yield();  // the write itself: the file is open meanwhile
  --root.open_files;
  Dir d = root.dir.Get();
  if (!d.exists) {
    co_return absl::NotFoundError("write /var/lib/docker/containers/" + cp.id +
                                  "/config.v2.json: no such file or directory");
  }
  d.config = std::move(cp);
  root.dir.Set(std::move(d));
  co_return absl::OkStatus();
}

sim::Task<absl::Status> Disk::RemoveAll(std::string id) {
  auto it = roots_.find(id);
  if (it == roots_.end()) co_return absl::OkStatus();
  Root& root = *it->second;
  if (root.open_files > 0) {
    co_return absl::UnavailableError(
        "unlinkat /var/lib/docker/containers/" + id +
        "/config.v2.json: The process cannot access the file because it is "
        "being used by another process");
  }
  root.dir.Set(Dir{});
  co_return absl::OkStatus();
}

// The readers below run after a crash (restore) or after the run (checks): a
// process boundary orders them after every write, so they are not tracked.
void Disk::Remount() {
  for (auto& [id, root] : roots_) {
    // A fresh access history: nothing the crashed daemon did races the new
    // one.
    auto fresh = std::make_unique<Root>(ex_, id, root->dir.Peek());
    retired_.push_back(std::move(root));
    root = std::move(fresh);
  }
}

bool Disk::Exists(const std::string& id) const {
  auto it = roots_.find(id);
  return it != roots_.end() && it->second->dir.Peek().exists;
}

const ContainerCheckpoint* Disk::Saved(const std::string& id) const {
  auto it = roots_.find(id);
  if (it == roots_.end() || it->second->open_files > 0) return nullptr;
  const Dir& d = it->second->dir.Peek();
  return d.exists && d.config.has_value() ? &*d.config : nullptr;
}

std::vector<ContainerCheckpoint> Disk::Checkpoints() const {
  std::vector<ContainerCheckpoint> out;
  for (const auto& [id, root] : roots_) {
    const Dir& d = root->dir.Peek();
    if (d.exists && d.config.has_value()) out.push_back(*d.config);
  }
  return out;
}

}  // namespace daemon_core
