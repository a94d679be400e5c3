// tools/serve.cc: `dsim serve`, the fake containerd for real clients.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "fake_containerd/grpc_serve.h"
#include "tools/cli.h"
#include "tools/explore.h"
#include "tools/usage.h"

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
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  fake_containerd::GrpcServeOptions options;
  options.listen = listen;
  options.stop = &stop_serving;
  options.on_ready = [&] {
    std::fprintf(stderr, "dsim serve: fake containerd listening on %s\n",
                 listen.c_str());
  };
  // Only a socket that cannot be served fails: a bad path, or one a live
  // server answers on (wire/unix_listen.h). One line, bad input.
  absl::Status s = fake_containerd::ServeOverGrpc(options);
  if (!s.ok()) return BadInput(s);
  return 0;
}

}  // namespace dsim
