// fake_containerd/rpc_log.h: RPC accounting. Every call the fake serves is
// counted by its full method name ("/containerd.services.tasks.v1.Tasks/Get");
// a Scope records the calls issued while it is open, in order, so a test can
// assert "this block issued exactly these RPCs".
#ifndef DSIM_FAKE_CONTAINERD_RPC_LOG_H_
#define DSIM_FAKE_CONTAINERD_RPC_LOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fake_containerd {

// "/containerd.services.tasks.v1.Tasks/Get" -> "Tasks/Get"; a name without a
// package comes back whole.
std::string ShortMethod(std::string_view method);

class RpcLog {
 public:
  class Scope;

  void Record(std::string_view method);
  // The same for a method named by two strings of static storage (the fake's
  // own methods: a prefix and a name): kept as the pair and counted when the
  // counts are read, as most runs never read them and the map's first
  // insertions were most of an RPC's accounting.
  void Record(const char* prefix, const char* name);
  uint64_t count(std::string_view method) const;
  uint64_t total() const { return total_; }
  const std::map<std::string, uint64_t, std::less<>>& counts() const {
    Flush();
    return counts_;
  }
  // Zeroes the counters (open scopes keep their calls).
  void Reset();

 private:
  // Counts the pairs not yet counted.
  void Flush() const;
  mutable std::vector<std::pair<const char*, const char*>> uncounted_;
  mutable std::map<std::string, uint64_t, std::less<>> counts_;
  uint64_t total_ = 0;
  int open_scopes_ = 0;
  std::vector<std::string> sequence_;  // kept only while a scope is open
};

// RpcLog::Scope scope(fake.rpcs()); ...; EXPECT_THAT(scope.calls(),
// ElementsAre(...)); Scopes nest; the log must outlive them.
class RpcLog::Scope {
 public:
  explicit Scope(RpcLog& log);
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  ~Scope();
  // Full method names in call order since the scope opened.
  std::vector<std::string> calls() const;
  // The same, shortened to "Service/Method" ("Tasks/Get").
  std::vector<std::string> short_calls() const;

 private:
  RpcLog& log_;
  size_t begin_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_RPC_LOG_H_
