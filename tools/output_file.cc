// tools/output_file.cc: OutputFile.
#include "tools/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dsim {

OutputFile::~OutputFile() {
  if (fd_ < 0) return;
  close(fd_);
  if (created_ && !written_) unlink(path_.c_str());
}

absl::Status OutputFile::Open(const std::string& flag,
                              const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  flag_ = flag;
  path_ = path;
  struct stat st;
  const bool existed = stat(path.c_str(), &st) == 0;
  // No O_TRUNC: a file that is never written keeps what it had.
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    return absl::InvalidArgumentError("cannot write " + flag + " file '" +
                                      path + "': " + std::strerror(errno));
  }
  created_ = !existed;
  return absl::OkStatus();
}

absl::Status OutputFile::Write(const std::string& body) {
  written_ = true;
  bool ok = ftruncate(fd_, 0) == 0 || errno == EINVAL;  // EINVAL: a FIFO
  for (size_t done = 0; ok && done < body.size();) {
    const ssize_t n = write(fd_, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  if (!ok) {
    return absl::InternalError("cannot write " + flag_ + " file '" + path_ +
                               "': " + std::strerror(errno));
  }
  return absl::OkStatus();
}

}  // namespace dsim
