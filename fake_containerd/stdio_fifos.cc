#include "fake_containerd/stdio_fifos.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

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
                O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
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

}  // namespace

StdioFifos::StdioFifos() {
  if (pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) wake_[0] = wake_[1] = -1;
  drainer_ = std::thread([this] { Drain(); });
}

StdioFifos::~StdioFifos() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
    for (auto& [key, fds] : outputs_) {
      for (int fd : fds) close(fd);
    }
    outputs_.clear();
    for (auto& [key, fd] : inputs_) inputs_to_close_.push_back(fd);
    inputs_.clear();
  }
  if (wake_[1] >= 0) (void)write(wake_[1], "x", 1);
  drainer_.join();
  for (int fd : wake_) {
    if (fd >= 0) close(fd);
  }
}

void StdioFifos::Open(const std::string& key, const ProcessIo& io) {
  std::lock_guard<std::mutex> l(mu_);
  if (outputs_.contains(key) || inputs_.contains(key)) return;
  std::vector<int>& outs = outputs_[key];
  for (const std::string* path : {&io.stdout_path, &io.stderr_path}) {
    // One file for both when they name the same path (file:// does).
    if (path == &io.stderr_path && io.stderr_path == io.stdout_path) break;
    if (int fd = OpenOutput(*path); fd >= 0) outs.push_back(fd);
  }
  if (int fd = OpenInput(io.stdin_path); fd >= 0) {
    inputs_[key] = fd;
    if (wake_[1] >= 0) (void)write(wake_[1], "x", 1);
  }
}

void StdioFifos::Close(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  CloseLocked(key);
}

void StdioFifos::CloseAll(const std::string& prefix) {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> keys;
  for (const auto& [key, fds] : outputs_) {
    if (key.starts_with(prefix)) keys.push_back(key);
  }
  for (const std::string& key : keys) CloseLocked(key);
}

void StdioFifos::CloseLocked(const std::string& key) {
  if (auto it = outputs_.find(key); it != outputs_.end()) {
    for (int fd : it->second) close(fd);
    outputs_.erase(it);
  }
  if (auto it = inputs_.find(key); it != inputs_.end()) {
    inputs_to_close_.push_back(it->second);
    inputs_.erase(it);
    if (wake_[1] >= 0) (void)write(wake_[1], "x", 1);
  }
}

// Reads every open stdin and discards the bytes; closes the ones Close gave
// up. An stdin whose writer went away (EOF) is polled no more until closed.
void StdioFifos::Drain() {
  std::map<int, bool> ended;  // fd -> its writer closed it
  char buf[4096];
  for (;;) {
    std::vector<pollfd> fds;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (int fd : inputs_to_close_) {
        ended.erase(fd);
        close(fd);
      }
      inputs_to_close_.clear();
      if (stop_) return;
      for (const auto& [key, fd] : inputs_) {
        if (!ended[fd]) fds.push_back({fd, POLLIN, 0});
      }
    }
    fds.push_back({wake_[0], POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      ssize_t n;
      do {
        n = read(p.fd, buf, sizeof(buf));
      } while (n > 0);
      if (p.fd != wake_[0] && n == 0) ended[p.fd] = true;
    }
  }
}

}  // namespace fake_containerd
