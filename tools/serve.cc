// tools/serve.cc: `dsim serve`, the fake containerd for real clients.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "fake_containerd/grpc_serve.h"
#include "tools/cli.h"
#include "tools/explore.h"

namespace dsim {

namespace {

std::atomic<bool> stop_serving{false};

void OnSignal(int) { stop_serving.store(true); }

}  // namespace

int Serve() {
  const std::string listen = absl::GetFlag(FLAGS_listen);
  if (listen.empty()) return Usage("serve needs --listen unix:PATH");
  if (listen.rfind("unix:", 0) != 0 || listen.size() == 5) {
    return Usage("--listen must be unix:PATH, not '" + listen + "'");
  }
  // gRPC would log a multi-line error of its own before failing to bind.
  std::string dir = listen.substr(5);
  if (dir.rfind("//", 0) == 0) dir = dir.substr(2);
  dir =
      dir.find('/') == std::string::npos ? "." : dir.substr(0, dir.rfind('/'));
  if (dir.empty()) dir = "/";
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
      access(dir.c_str(), W_OK) != 0) {
    return Usage("cannot listen on " + listen + ": no writable directory " +
                 dir);
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  fake_containerd::GrpcServeOptions options;
  options.listen = listen;
  options.stop = &stop_serving;
  options.on_ready = [&] {
    std::fprintf(stderr, "dsim serve: fake containerd listening on %s\n",
                 listen.c_str());
  };
  absl::Status s = fake_containerd::ServeOverGrpc(options);
  if (!s.ok()) {
    std::fprintf(stderr, "dsim serve: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  return 0;
}

}  // namespace dsim
