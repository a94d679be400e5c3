// fake_containerd/stdio_fifos.h: the stdio a runc shim opens for a process,
// for `dsim serve` only (real files in real time; simulated runs open none):
// the FIFOs, or file:// paths, a client passes in Tasks/Create and Exec.
// stdin is opened for reading (a client such as dockerd blocks opening its
// write end until a reader exists: `docker run -i` hung). A process that
// copies stdin (`cat`) has its stdin's bytes written to its stdout; anyone
// else's are read and discarded. Write() is a process's own output (`echo`).
// stdout and stderr are opened for writing and closed once the process has
// exited and what it wrote has reached them, so the client's copy ends after
// the last byte.
//
// Thread-safe. Every read, write and close of a stdio fd happens on a pump
// thread of its own (a close never races a poll of the same fd), except the
// last read of a closing stdin (see Close).
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
  // Output a reader does not take stays buffered up to this much per file;
  // beyond it is dropped (a shim would block the process instead).
  static constexpr size_t kPendingBytesMax = 1 << 20;

  StdioFifos();
  ~StdioFifos();  // closes everything, written or not
  StdioFifos(const StdioFifos&) = delete;
  StdioFifos& operator=(const StdioFifos&) = delete;

  // Opens `io` for the process `key` (once). Paths that cannot be opened are
  // skipped, as nothing would be copied through them. With `copy_stdin`,
  // what arrives on stdin goes to stdout.
  void Open(const std::string& key, const ProcessIo& io, bool copy_stdin);
  // The process writes `bytes` to its stdout (nothing when it has none).
  void Write(const std::string& key, std::string bytes);
  // The process exited or was deleted: its stdio closes. What its client
  // wrote to stdin before (dockerd writes all of it, then sends CloseIO,
  // which ends `cat`) is read now and, for a copying process, still reaches
  // stdout, as a real cat reads its stdin to the end.
  void Close(const std::string& key);
  // Every process whose key starts with `prefix` (a deleted task's).
  void CloseAll(const std::string& prefix);

 private:
  struct Output {
    int fd = -1;
    std::string pending;  // written by the process, not yet by the pump
    bool failed = false;  // the reader went away: drop what follows
  };
  struct Stdio {
    std::vector<Output> outputs;  // stdout, then stderr when distinct
    int input = -1;               // stdin
    bool input_ended = false;     // its writer closed it
    bool copy_stdin = false;
  };

  void Pump();
  void ReadInput(Stdio& s);
  static void Append(Stdio& s, std::string_view bytes);
  void CloseLocked(const std::string& key);
  void Wake();

  std::mutex mu_;
  std::map<std::string, Stdio> open_;
  // Closed processes whose output is still being written out; the pump closes
  // their fds (a process of the same key may be open again meanwhile).
  std::vector<Stdio> closing_;
  bool stop_ = false;
  int wake_[2] = {-1, -1};  // a pipe: something changed
  std::thread pump_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_STDIO_FIFOS_H_
