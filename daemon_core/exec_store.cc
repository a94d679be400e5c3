#include "daemon_core/exec_store.h"

namespace daemon_core {

sim::Task<void> ExecStore::Add(std::shared_ptr<ExecConfig> config) {
  co_await mu_.Lock();
  // The harness's per-step check reads which execs are listed.
  ex_.Touch(sim::kCheckedState, sim::Access::kWrite);
  by_id_[config->id] = std::move(config);
  mu_.Unlock();
}

sim::Task<std::shared_ptr<ExecConfig>> ExecStore::Get(std::string id) {
  co_await mu_.RLock();
  auto it = by_id_.find(id);
  std::shared_ptr<ExecConfig> found = it == by_id_.end() ? nullptr : it->second;
  mu_.RUnlock();
  co_return found;
}

sim::Task<void> ExecStore::Delete(std::string id) {
  co_await mu_.Lock();
  ex_.Touch(sim::kCheckedState, sim::Access::kWrite);
  by_id_.erase(id);
  mu_.Unlock();
}

sim::Task<std::vector<std::string>> ExecStore::List() {
  co_await mu_.RLock();
  std::vector<std::string> ids;
  for (const auto& [id, config] : by_id_) ids.push_back(id);
  mu_.RUnlock();
  co_return ids;
}

sim::Task<std::map<std::string, std::shared_ptr<ExecConfig>>>
ExecStore::Commands() {
  co_await mu_.RLock();
  auto copy = by_id_;
  mu_.RUnlock();
  co_return copy;
}

}  // namespace daemon_core
