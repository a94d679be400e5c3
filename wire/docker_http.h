// wire/docker_http.h: Docker Engine API calls over a daemon's unix socket
// through libcurl's multi interface, for `dsim drive`: one thread starts any
// number of concurrent calls and collects the finished ones without blocking,
// so API calls overlap as concurrent clients' do.
#ifndef DSIM_WIRE_DOCKER_HTTP_H_
#define DSIM_WIRE_DOCKER_HTTP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wire {

// One finished call. `status` 0: no HTTP reply (the transfer failed; `error`
// says why).
struct HttpReply {
  long status = 0;
  std::string body;
  std::string error;
};

class DockerHttp {
 public:
  // `socket` is the daemon's socket path ("/run/docker.sock").
  explicit DockerHttp(std::string socket);
  DockerHttp(const DockerHttp&) = delete;
  DockerHttp& operator=(const DockerHttp&) = delete;
  ~DockerHttp();

  // Starts `method path` (path under /v1.41, with its query) with a JSON
  // body (none when empty); returns the call's id.
  uint64_t Start(std::string_view method, const std::string& path,
                 std::string body);
  // Moves every call on without blocking; the calls that finished since the
  // last Poll, in the order they finished.
  std::vector<std::pair<uint64_t, HttpReply>> Poll();
  // Abandons a call in flight (its client gave up).
  void Abort(uint64_t id);
  size_t in_flight() const { return calls_.size(); }
  // Bytes received so far: activity, for the driver's quiet window.
  uint64_t bytes_received() const { return bytes_; }

 private:
  struct Call;
  static size_t OnData(char* data, size_t size, size_t n, void* call);

  std::string socket_;
  void* multi_;  // CURLM*
  uint64_t next_id_ = 1;
  uint64_t bytes_ = 0;
  std::map<uint64_t, std::unique_ptr<Call>> calls_;
};

}  // namespace wire

#endif  // DSIM_WIRE_DOCKER_HTTP_H_
