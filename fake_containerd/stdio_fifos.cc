#include "fake_containerd/stdio_fifos.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <set>

namespace fake_containerd {
namespace {

constexpr char kFileScheme[] = "file://";

// An output end: a file:// path is appended to (created); a FIFO is opened
// for writing, or read-write when its reader is not there yet (Linux opens a
// FIFO read-write without blocking). Other schemes (binary://) are not run.
int OpenOutput(const std::string& path) {
  if (path.empty()) return -1;
  if (path.starts_with(kFileScheme)) {
    return open(path.c_str() + sizeof(kFileScheme) - 1,
                O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK | O_CLOEXEC, 0644);
  }
  if (path.find("://") != std::string::npos) return -1;
  const int fd = open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0 || errno != ENXIO) return fd;
  return open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

int OpenInput(const std::string& path) {
  if (path.empty() || path.find("://") != std::string::npos) return -1;
  return open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

// Writes what it can without blocking.
void Flush(int fd, std::string& pending, bool& failed) {
  while (!pending.empty()) {
    const ssize_t n = write(fd, pending.data(), pending.size());
    if (n > 0) {
      pending.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n < 0 && errno != EAGAIN) {
        failed = true;
        pending.clear();
        // The reader is gone; the pump blocks SIGPIPE, so take it back.
        sigset_t pipe_set;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        const timespec now = {0, 0};
        (void)sigtimedwait(&pipe_set, nullptr, &now);
      }
      return;
    }
  }
}

}  // namespace

StdioFifos::StdioFifos() {
  if (pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) wake_[0] = wake_[1] = -1;
  pump_ = std::thread([this] { Pump(); });
}

StdioFifos::~StdioFifos() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  Wake();
  pump_.join();
  for (auto& [key, s] : open_) closing_.push_back(std::move(s));
  for (Stdio& s : closing_) {
    for (Output& o : s.outputs) close(o.fd);
    if (s.input >= 0) close(s.input);
  }
  for (int fd : wake_) {
    if (fd >= 0) close(fd);
  }
}

void StdioFifos::Wake() {
  if (wake_[1] >= 0) (void)write(wake_[1], "x", 1);
}

void StdioFifos::Open(const std::string& key, const ProcessIo& io,
                      bool copy_stdin) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (open_.contains(key)) return;
    Stdio& s = open_[key];
    s.copy_stdin = copy_stdin;
    for (const std::string* path : {&io.stdout_path, &io.stderr_path}) {
      // One file for both when they name the same path (file:// does).
      if (path == &io.stderr_path && io.stderr_path == io.stdout_path) break;
      if (int fd = OpenOutput(*path); fd >= 0) s.outputs.push_back({fd});
    }
    s.input = OpenInput(io.stdin_path);
  }
  Wake();
}

void StdioFifos::Append(Stdio& s, std::string_view bytes) {
  if (s.outputs.empty()) return;
  Output& out = s.outputs.front();
  if (out.failed) return;
  const size_t room =
      kPendingBytesMax - std::min(kPendingBytesMax, out.pending.size());
  out.pending.append(bytes.substr(0, room));
}

void StdioFifos::Write(const std::string& key, std::string bytes) {
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = open_.find(key);
    if (it == open_.end()) return;
    Append(it->second, bytes);
  }
  Wake();
}

void StdioFifos::Close(const std::string& key) {
  {
    std::lock_guard<std::mutex> l(mu_);
    CloseLocked(key);
  }
  Wake();
}

void StdioFifos::CloseAll(const std::string& prefix) {
  {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> keys;
    for (const auto& [key, s] : open_) {
      if (key.starts_with(prefix)) keys.push_back(key);
    }
    for (const std::string& key : keys) CloseLocked(key);
  }
  Wake();
}

void StdioFifos::CloseLocked(const std::string& key) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  // The last read of stdin, here rather than on the pump, so that bytes
  // written before CloseIO are copied whatever the pump was doing.
  ReadInput(it->second);
  closing_.push_back(std::move(it->second));
  open_.erase(it);
}

// Reads what stdin holds now; copies it or drops it.
void StdioFifos::ReadInput(Stdio& s) {
  if (s.input < 0 || s.input_ended) return;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(s.input, buf, sizeof(buf));
    if (n > 0) {
      if (s.copy_stdin) Append(s, std::string_view(buf, n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) s.input_ended = true;  // its writer closed it
    return;
  }
}

// Polls the open stdins and the outputs with bytes to write, moves bytes, and
// closes what Close gave up once it is written out.
void StdioFifos::Pump() {
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  // A write to a FIFO whose reader left fails EPIPE instead of killing us.
  pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
  for (;;) {
    std::vector<pollfd> fds;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stop_) return;
      auto want = [&fds](Stdio& s) {
        if (s.input >= 0 && !s.input_ended) fds.push_back({s.input, POLLIN, 0});
        for (const Output& o : s.outputs) {
          if (!o.pending.empty()) fds.push_back({o.fd, POLLOUT, 0});
        }
      };
      for (auto& [key, s] : open_) want(s);
      for (Stdio& s : closing_) want(s);
    }
    fds.push_back({wake_[0], POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    char buf[64];
    while (read(wake_[0], buf, sizeof(buf)) > 0) {
    }
    // Only a stdin poll found ready is read: a FIFO no writer has opened yet
    // reads as EOF. Outputs are flushed ready or not (nonblocking).
    std::set<int> readable;
    for (const pollfd& p : fds) {
      if (p.revents != 0 && p.events == POLLIN) readable.insert(p.fd);
    }
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [key, s] : open_) {
      if (readable.contains(s.input)) ReadInput(s);
      for (Output& o : s.outputs) Flush(o.fd, o.pending, o.failed);
    }
    std::vector<Stdio> still_closing;
    for (Stdio& s : closing_) {
      if (s.input >= 0) {
        close(s.input);
        s.input = -1;
      }
      std::vector<Output> left;
      for (Output& o : s.outputs) {
        Flush(o.fd, o.pending, o.failed);
        if (o.pending.empty()) {
          close(o.fd);
        } else {
          left.push_back(std::move(o));
        }
      }
      s.outputs = std::move(left);
      if (!s.outputs.empty()) still_closing.push_back(std::move(s));
    }
    closing_ = std::move(still_closing);
  }
}

}  // namespace fake_containerd
