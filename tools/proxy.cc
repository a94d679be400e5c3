// tools/proxy.cc: `dsim proxy`, a logging pass-through between a containerd
// client (ctr, dockerd) and a containerd (real or `dsim serve`): one line per
// RPC, to measure which RPCs a real client makes (wire/grpc_proxy.h).
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "tools/cli.h"
#include "tools/explore.h"
#include "tools/usage.h"
#include "wire/grpc_proxy.h"
#include "wire/request_ids.h"
#include "wire/unix_listen.h"

namespace dsim {

namespace {

// "OFFSET METHOD ns=NS [id=ID] [exec=ID] code=CODE replies=N": OFFSET is when
// the call began, in seconds since the proxy started; the line is written
// when the call ends (a stream's, such as Events/Subscribe, when it is
// cancelled), so offsets of overlapping calls may be out of order.
std::string LogLine(const wire::ProxiedCall& call,
                    std::chrono::steady_clock::time_point started) {
  const long long us = std::chrono::duration_cast<std::chrono::microseconds>(
                           call.start - started)
                           .count();
  const wire::RequestIds ids =
      wire::RequestIdsOf(call.method, call.first_request);
  std::string line =
      absl::StrFormat("%d.%06d %s ns=%s", us / 1000000, us % 1000000,
                      call.method, call.ns.empty() ? "-" : call.ns);
  if (!ids.container_id.empty()) line += " id=" + ids.container_id;
  if (!ids.exec_id.empty()) line += " exec=" + ids.exec_id;
  absl::StrAppend(
      &line, " code=",
      absl::StatusCodeToString(static_cast<absl::StatusCode>(call.code)),
      " replies=", call.replies, "\n");
  return line;
}

// The log: --log FILE (appended to) or stdout, one whole line at a time and
// flushed, so that a reader polling it never sees half a line.
class RpcLog {
 public:
  ~RpcLog() {
    if (out_ != nullptr && out_ != stdout) std::fclose(out_);
  }
  absl::Status Open(const std::string& path) {
    if (path.empty()) {
      out_ = stdout;
      return absl::OkStatus();
    }
    struct stat st;
    created_ = stat(path.c_str(), &st) != 0;
    out_ = std::fopen(path.c_str(), "a");
    if (out_ == nullptr) {
      return absl::InvalidArgumentError("cannot open --log " + path + ": " +
                                        std::strerror(errno));
    }
    path_ = path;
    return absl::OkStatus();
  }
  // The proxy never ran: a log this run created goes again.
  void Discard() {
    if (created_) unlink(path_.c_str());
  }
  void Write(const std::string& line) {
    std::lock_guard<std::mutex> l(mu_);
    std::fputs(line.c_str(), out_);
    std::fflush(out_);
  }

 private:
  std::mutex mu_;
  FILE* out_ = nullptr;
  bool created_ = false;
  std::string path_;
};

}  // namespace

int Proxy() {
  const std::string listen = absl::GetFlag(FLAGS_listen);
  // Its form (unix:PATH) is checked with the socket, by GrpcProxy::Start.
  if (listen.empty()) return Usage("proxy needs --listen unix:PATH");
  absl::StatusOr<std::string> backend = ContainerdFromFlags();
  if (!backend.ok()) return Usage(std::string(backend.status().message()));
  if (wire::UnixListenPathOf(listen) == wire::UnixListenPathOf(*backend)) {
    return Usage("--listen and --containerd are the same socket");
  }
  RpcLog log;
  if (absl::Status s = log.Open(absl::GetFlag(FLAGS_log)); !s.ok()) {
    return BadInput(s);
  }
  // Blocked here, before gRPC starts its threads (which inherit the mask):
  // the signals then wait for sigwait below, and no handler runs mid-call.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  const auto started = std::chrono::steady_clock::now();
  wire::GrpcProxy::Options options;
  options.listen = listen;
  options.backend = *backend;
  options.on_call = [&](const wire::ProxiedCall& call) {
    log.Write(LogLine(call, started));
  };
  absl::StatusOr<std::unique_ptr<wire::GrpcProxy>> proxy =
      wire::GrpcProxy::Start(std::move(options));
  if (!proxy.ok()) {
    log.Discard();
    return BadInput(proxy.status());
  }
  std::fprintf(stderr, "dsim proxy: listening on %s, forwarding to %s\n",
               listen.c_str(), backend->c_str());
  int signal = 0;
  sigwait(&stop, &signal);
  (*proxy)->Shutdown();
  return 0;
}

}  // namespace dsim
