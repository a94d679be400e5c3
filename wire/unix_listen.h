// wire/unix_listen.h: checks a unix socket path before a gRPC server binds it,
// so that a bad path is one clear error (with what to do) instead of gRPC's
// multi-line log, and a live server's socket is never taken over.
#ifndef DSIM_WIRE_UNIX_LISTEN_H_
#define DSIM_WIRE_UNIX_LISTEN_H_

#include <string>

#include "absl/status/status.h"

namespace wire {

// wire::PrepareUnixListen
//
// Makes `path` ready for a server to bind: OK when nothing is there (and a
// trial bind in its directory works) or when a stale socket was there (nobody
// answers a connect; it is removed). Otherwise an error whose message is one
// line naming the path, what is wrong and what to do:
//   kInvalidArgument     longer than a unix socket address holds (107 bytes)
//   kAlreadyExists       a server answers on it (another dsim serve?)
//   kFailedPrecondition  a directory, a regular file, a device...; no such
//                        directory; a directory that takes no new files
//   kPermissionDenied    the directory is not writable
std::string UnixListenPathOf(const std::string& listen);  // "unix:P" -> "P"
absl::Status PrepareUnixListen(const std::string& path);

}  // namespace wire

#endif  // DSIM_WIRE_UNIX_LISTEN_H_
