// fake_containerd/stdio_fifos.h: the stdio a runc shim opens for a process,
// for `dsim serve` only (real files in real time; simulated runs open none):
// the FIFOs, or file:// paths, a client passes in Tasks/Create and Exec.
// stdin is opened for reading and drained (a client such as dockerd blocks
// opening its write end until a reader exists: `docker run -i` hung); its
// bytes are discarded, as the fake's programs read none (a `cat`-like program
// ends on CloseIO, which the client sends when its stdin ends). stdout and
// stderr are opened for writing and closed when the process exits, so the
// client's copy ends; the fake's programs write nothing.
//
// Thread-compatible from one thread (the serving executor's); a drain thread
// of its own reads the stdin ends and closes them.
#ifndef DSIM_FAKE_CONTAINERD_STDIO_FIFOS_H_
#define DSIM_FAKE_CONTAINERD_STDIO_FIFOS_H_

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fake_containerd/kernel.h"

namespace fake_containerd {

class StdioFifos {
 public:
  StdioFifos();
  ~StdioFifos();  // closes everything
  StdioFifos(const StdioFifos&) = delete;
  StdioFifos& operator=(const StdioFifos&) = delete;

  // Opens `io` for the process `key` (once). Paths that cannot be opened are
  // skipped, as nothing would be copied through them.
  void Open(const std::string& key, const ProcessIo& io);
  // The process exited or was deleted: its stdio closes.
  void Close(const std::string& key);
  // Every process whose key starts with `prefix` (a deleted task's).
  void CloseAll(const std::string& prefix);

 private:
  void Drain();
  void CloseLocked(const std::string& key);

  std::mutex mu_;
  std::map<std::string, std::vector<int>> outputs_;  // stdout, stderr
  std::map<std::string, int> inputs_;                // stdin, drained
  std::vector<int> inputs_to_close_;  // the drain thread closes them
  bool stop_ = false;
  int wake_[2] = {-1, -1};  // a pipe: the input set changed
  std::thread drainer_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_STDIO_FIFOS_H_
