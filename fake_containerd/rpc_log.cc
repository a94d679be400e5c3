#include "fake_containerd/rpc_log.h"

namespace fake_containerd {

std::string ShortMethod(std::string_view method) {
  const size_t slash = method.rfind('/');
  const size_t dot = slash == std::string_view::npos ? std::string_view::npos
                                                     : method.rfind('.', slash);
  if (dot == std::string_view::npos) return std::string(method);
  return std::string(method.substr(dot + 1));
}

void RpcLog::Record(std::string_view method) {
  ++total_;
  auto it = counts_.find(method);
  if (it == counts_.end()) it = counts_.emplace(std::string(method), 0).first;
  ++it->second;
  if (open_scopes_ > 0) sequence_.emplace_back(method);
}

void RpcLog::Record(const char* prefix, const char* name) {
  if (open_scopes_ > 0) {  // the scope's sequence keeps the order
    Record(std::string(prefix) + name);
    return;
  }
  ++total_;
  uncounted_.emplace_back(prefix, name);
}

void RpcLog::Flush() const {
  for (const auto& [prefix, name] : uncounted_) {
    ++counts_[std::string(prefix) + name];
  }
  uncounted_.clear();
}

uint64_t RpcLog::count(std::string_view method) const {
  Flush();
  auto it = counts_.find(method);
  return it == counts_.end() ? 0 : it->second;
}

void RpcLog::Reset() {
  uncounted_.clear();
  counts_.clear();
  total_ = 0;
}

RpcLog::Scope::Scope(RpcLog& log) : log_(log), begin_(log.sequence_.size()) {
  ++log_.open_scopes_;
}

RpcLog::Scope::~Scope() {
  if (--log_.open_scopes_ == 0)
    log_.sequence_.clear();  // memory stays flat between scopes
}

std::vector<std::string> RpcLog::Scope::calls() const {
  return std::vector<std::string>(log_.sequence_.begin() + begin_,
                                  log_.sequence_.end());
}

std::vector<std::string> RpcLog::Scope::short_calls() const {
  std::vector<std::string> out = calls();
  for (std::string& m : out) m = ShortMethod(m);
  return out;
}

}  // namespace fake_containerd
