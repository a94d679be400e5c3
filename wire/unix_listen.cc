// wire/unix_listen.cc: the checks of PrepareUnixListen, in the order a user
// meets the problems: the path's length, what is already there, then whether
// its directory takes a new socket (by binding one and removing it again).
#include "wire/unix_listen.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wire {

namespace {

// The most a sockaddr_un holds, without the terminating NUL: 107 on Linux.
constexpr size_t kMaxPathBytes = sizeof(sockaddr_un{}.sun_path) - 1;

// A unix stream socket, closed when it goes out of scope.
class Socket {
 public:
  Socket() : fd_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

sockaddr_un AddressOf(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), path.size());  // REQUIRES: short
  return a;
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// What is at `path` when it is not a socket, for the error message.
const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a socket";
}

// `path` is a socket: refuse it if a server answers, remove it if stale.
absl::Status ReplaceStaleSocket(const std::string& path) {
  Socket s;
  if (s.fd() < 0) {
    return absl::InternalError(
        absl::StrCat("cannot make a socket: ", std::strerror(errno)));
  }
  const sockaddr_un a = AddressOf(path);
  if (connect(s.fd(), reinterpret_cast<const sockaddr*>(&a), sizeof(a)) == 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "cannot listen on ", path,
        ": a server is already listening there (another dsim serve? stop it, "
        "or choose another path)"));
  }
  const int err = errno;
  if (err != ECONNREFUSED) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", path,
                     ": cannot tell whether a server listens "
                     "there (connect: ",
                     std::strerror(err), "); choose another path"));
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::PermissionDeniedError(absl::StrCat("cannot listen on ", path,
                                                    ": cannot remove its stale "
                                                    "socket (",
                                                    std::strerror(errno), ")"));
  }
  return absl::OkStatus();
}

// Nothing is at `path`: bind a socket there once, to learn what the directory
// says, and remove it.
absl::Status TrialBind(const std::string& path) {
  const std::string dir = DirOf(path);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", path, ": no directory ", dir,
                     " (create it first, or choose another path)"));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", path, ": ", dir,
                     " is not a directory (choose another path)"));
  }
  Socket s;
  if (s.fd() < 0) {
    return absl::InternalError(
        absl::StrCat("cannot make a socket: ", std::strerror(errno)));
  }
  const sockaddr_un a = AddressOf(path);
  if (bind(s.fd(), reinterpret_cast<const sockaddr*>(&a), sizeof(a)) == 0) {
    unlink(path.c_str());
    return absl::OkStatus();
  }
  const int err = errno;
  switch (err) {
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(
          absl::StrCat("cannot listen on ", path, ": directory ", dir,
                       " is not writable (choose another path)"));
    case EROFS:
      return absl::FailedPreconditionError(
          absl::StrCat("cannot listen on ", path, ": ", dir,
                       " is on a read-only file system (choose another path)"));
    case EADDRINUSE:  // appeared since the lstat: someone else's
      return absl::AlreadyExistsError(
          absl::StrCat("cannot listen on ", path,
                       ": something was created there meanwhile (choose "
                       "another path)"));
    case ENOENT:  // the directory exists: its file system takes no sockets
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot listen on ", path, ": directory ", dir,
          " does not take new files (a special file system such as /proc "
          "or /sys?); choose a path under /tmp or /run"));
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("cannot listen on ", path, ": ", std::strerror(err),
                       " (choose another path)"));
  }
}

}  // namespace

std::string UnixListenPathOf(const std::string& listen) {
  std::string path = listen;
  if (absl::StartsWith(path, "unix:")) path = path.substr(5);
  if (absl::StartsWith(path, "//")) path = path.substr(2);  // unix:///abs
  return path;
}

absl::Status PrepareUnixListen(const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError("an empty socket path");
  }
  if (path.size() > kMaxPathBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot listen on ", path, ": the path is ", path.size(),
                     " bytes, and a unix socket path holds at most ",
                     kMaxPathBytes, " (choose a shorter one)"));
  }
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISSOCK(st.st_mode)) return ReplaceStaleSocket(path);
    const char* kind = KindOf(st.st_mode);
    return absl::FailedPreconditionError(
        S_ISDIR(st.st_mode)
            ? absl::StrCat("cannot listen on ", path, ": it is ", kind,
                           " (name a socket inside it, e.g. unix:", path,
                           path.back() == '/' ? "" : "/", "dsim.sock)")
        : S_ISREG(st.st_mode)
            ? absl::StrCat("cannot listen on ", path, ": it is ", kind,
                           ", not a socket (choose another path, or remove "
                           "the file if nothing needs it)")
            : absl::StrCat("cannot listen on ", path, ": it is ", kind,
                           ", not a socket (choose another path)"));
  }
  if (errno != ENOENT && errno != ENOTDIR) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", path, ": ", std::strerror(errno),
                     " (choose another path)"));
  }
  return TrialBind(path);
}

}  // namespace wire
