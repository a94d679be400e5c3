// fake_containerd/introspection.cc: what the fake says about itself: Version
// (containerd 1.6.20, marked as the fake) and Introspection (the server's
// uuid, and the plugins of a containerd 1.6.20 that the fake implements, so
// that a client asking whether a service is there gets the truth).
#include "fake_containerd/event_filter.h"
#include "fake_containerd/fake_containerd.h"

namespace fake_containerd {
namespace {

// The shape of Debian's "1.6.20~ds1" / "1.6.20~ds1-1+deb12u3": the upstream
// version a client may parse, then whose build this is.
constexpr char kVersion[] = "1.6.20~dsim";
constexpr char kRevision[] = "1.6.20~dsim-fake";
// containerd keeps a random uuid under its root; the fake has no root and no
// randomness outside a run's PRNG, so it is fixed (a valid version-4 uuid).
constexpr char kServerUuid[] = "d5100000-0000-4000-8000-00000000d51f";

#if defined(__aarch64__)
constexpr char kArchitecture[] = "arm64";
#else
constexpr char kArchitecture[] = "amd64";
#endif

struct PluginRow {
  const char* type;
  const char* id;
  bool has_platform;  // runtimes report the platform they run
  std::vector<const char*> requires_types;
};

// containerd 1.6.20's plugins (`ctr plugins ls` on Debian 12) that the fake
// implements: the gRPC services it serves, the service plugins behind them,
// the event exchange and the v2 task runtime. Content, images, snapshots,
// diff, gc, CRI and the rest are absent, as their RPCs are.
const std::vector<PluginRow>& Rows() {
  static const std::vector<PluginRow> rows = {
      {"io.containerd.event.v1", "exchange", false, {}},
      {"io.containerd.runtime.v2", "task", true, {"io.containerd.event.v1"}},
      {"io.containerd.service.v1", "introspection-service", false, {}},
      {"io.containerd.service.v1", "containers-service", false, {}},
      {"io.containerd.service.v1", "leases-service", false, {}},
      {"io.containerd.service.v1",
       "namespaces-service",
       false,
       {"io.containerd.event.v1"}},
      {"io.containerd.service.v1",
       "tasks-service",
       false,
       {"io.containerd.event.v1", "io.containerd.runtime.v2"}},
      {"io.containerd.grpc.v1",
       "introspection",
       false,
       {"io.containerd.service.v1"}},
      {"io.containerd.grpc.v1",
       "containers",
       false,
       {"io.containerd.service.v1"}},
      {"io.containerd.grpc.v1", "events", false, {"io.containerd.event.v1"}},
      {"io.containerd.grpc.v1", "leases", false, {"io.containerd.service.v1"}},
      {"io.containerd.grpc.v1",
       "namespaces",
       false,
       {"io.containerd.service.v1"}},
      {"io.containerd.grpc.v1", "tasks", false, {"io.containerd.service.v1"}},
      {"io.containerd.grpc.v1", "version", false, {}},
  };
  return rows;
}

}  // namespace

absl::Status FakeContainerd::Version(vpb::VersionResponse* resp) {
  Count(method::kVersionPrefix, "Version");
  resp->set_version(kVersion);
  resp->set_revision(kRevision);
  return absl::OkStatus();
}

absl::Status FakeContainerd::Server(ipb::ServerResponse* resp) {
  Count(method::kIntrospectionPrefix, "Server");
  resp->set_uuid(kServerUuid);
  return absl::OkStatus();
}

absl::Status FakeContainerd::Plugins(const ipb::PluginsRequest& req,
                                     ipb::PluginsResponse* resp) {
  Count(method::kIntrospectionPrefix, "Plugins");
  // Any field parses; only type and id can match (containerd's adaptor
  // answers no for the rest).
  absl::StatusOr<Filter> filter = Filter::Parse(
      std::vector<std::string>(req.filters().begin(), req.filters().end()),
      [](std::string_view) { return true; }, "failed parsing filters");
  if (!filter.ok()) return filter.status();
  for (const PluginRow& row : Rows()) {
    const bool match = filter->Matches(
        [&row](std::string_view field) -> std::optional<std::string_view> {
          if (field == "type") return row.type;
          if (field == "id") return row.id;
          return std::nullopt;
        });
    if (!match) continue;
    ipb::Plugin* p = resp->add_plugins();
    p->set_type(row.type);
    p->set_id(row.id);
    for (const char* t : row.requires_types) p->add_required_plugins(t);
    if (row.has_platform) {
      containerd::types::Platform* platform = p->add_platforms();
      platform->set_os("linux");
      platform->set_architecture(kArchitecture);
    }
  }
  return absl::OkStatus();
}

}  // namespace fake_containerd
