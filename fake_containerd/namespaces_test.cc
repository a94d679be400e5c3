// The fake's Namespaces service as a real containerd 1.6.20 answered it
// (differential_test.cc, script "namespaces"): which writes make a namespace
// exist, labels, the header Create and Update publish in, and Delete's checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_containerd/fake_containerd.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

class NamespacesTest : public ::testing::Test {
 protected:
  NamespacesTest() : ex({.seed = 1}, strategy), fake(ex) {
    fake.events().set_tap([this](const Envelope& e) {
      published.push_back(e.namespace_() + " " + e.topic());
    });
  }
  ~NamespacesTest() override { ex.DestroyAllTasks(); }

  std::vector<std::string> Listed() {
    npb::ListNamespacesResponse resp;
    EXPECT_TRUE(fake.ListNamespaces({}, &resp).ok());
    std::vector<std::string> names;
    for (const npb::Namespace& n : resp.namespaces()) names.push_back(n.name());
    return names;
  }

  absl::Status Create(const std::string& header, const std::string& name) {
    npb::CreateNamespaceRequest req;
    req.mutable_namespace_()->set_name(name);
    (*req.mutable_namespace_()->mutable_labels())["a"] = "b";
    npb::CreateNamespaceResponse resp;
    return fake.CreateNamespace(header, req, &resp);
  }

  absl::Status Delete(const std::string& name) {
    npb::DeleteNamespaceRequest req;
    req.set_name(name);
    return fake.DeleteNamespace(req);
  }

  sim::RandomStrategy strategy;
  sim::Executor ex;
  FakeContainerd fake;
  std::vector<std::string> published;
};

TEST_F(NamespacesTest, GetAnswersForANamespaceNeverUsed) {
  npb::GetNamespaceRequest req;
  req.set_name("moby");
  npb::GetNamespaceResponse resp;
  ASSERT_TRUE(fake.GetNamespace(req, &resp).ok());
  EXPECT_EQ(resp.namespace_().name(), "moby");
  EXPECT_TRUE(resp.namespace_().labels().empty());
  EXPECT_TRUE(Listed().empty()) << "a read creates no namespace";
}

TEST_F(NamespacesTest, WritesMakeANamespaceExist) {
  {
    ::containerd::services::leases::v1::CreateRequest req;
    req.set_id("l1");
    ::containerd::services::leases::v1::CreateResponse resp;
    ASSERT_TRUE(fake.CreateLease("leased", req, &resp).ok());
  }
  ASSERT_TRUE(Create("default", "made").ok());
  EXPECT_EQ(Listed(), (std::vector<std::string>{"leased", "made"}));
}

TEST_F(NamespacesTest, CreateAndUpdatePublishInTheHeadersNamespace) {
  ASSERT_TRUE(Create("default", "n").ok());
  absl::Status s = Create("", "quiet");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown) << s;
  EXPECT_EQ(s.message(),
            "failed publishing event: namespace is required: failed "
            "precondition");
  npb::GetNamespaceRequest get;
  get.set_name("quiet");
  npb::GetNamespaceResponse got;
  ASSERT_TRUE(fake.GetNamespace(get, &got).ok());
  EXPECT_EQ(got.namespace_().labels().at("a"), "b") << "the change stays";

  npb::UpdateNamespaceRequest up;
  up.mutable_namespace_()->set_name("n");
  (*up.mutable_namespace_()->mutable_labels())["c"] = "d";
  up.mutable_update_mask()->add_paths("labels.c");
  up.mutable_update_mask()->add_paths("labels.a");  // absent: removed
  npb::UpdateNamespaceResponse resp;
  ASSERT_TRUE(fake.UpdateNamespace("default", up, &resp).ok());
  EXPECT_FALSE(resp.has_namespace_()) << "1.6.20 replies with no namespace";
  get.set_name("n");
  npb::GetNamespaceResponse updated;
  ASSERT_TRUE(fake.GetNamespace(get, &updated).ok());
  EXPECT_EQ(updated.namespace_().labels().size(), 1u);
  EXPECT_EQ(updated.namespace_().labels().at("c"), "d");

  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("name");
  s = fake.UpdateNamespace("default", up, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "cannot update \"name\" field");

  ASSERT_TRUE(Delete("n").ok());
  EXPECT_EQ(published, (std::vector<std::string>{"default /namespaces/create",
                                                 "default /namespaces/update",
                                                 "n /namespaces/delete"}));
}

TEST_F(NamespacesTest, DeleteChecks) {
  absl::Status s = Delete("fresh");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "namespace \"fresh\": not found");

  cpb::CreateContainerRequest req;
  req.mutable_container()->set_id("c");
  req.mutable_container()->mutable_runtime()->set_name("io.containerd.runc.v2");
  req.mutable_container()->mutable_spec()->set_value(
      R"({"process":{"args":["sleep"]}})");
  cpb::CreateContainerResponse resp;
  ASSERT_TRUE(fake.CreateContainer("w", req, &resp).ok());
  s = Delete("w");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(s.message()).find("must be empty"), std::string::npos);
  cpb::DeleteContainerRequest del;
  del.set_id("c");
  ASSERT_TRUE(fake.DeleteContainer("w", del).ok());
  EXPECT_TRUE(Delete("w").ok());
  EXPECT_TRUE(Listed().empty());
}

TEST_F(NamespacesTest, VersionAndIntrospection) {
  vpb::VersionResponse v;
  ASSERT_TRUE(fake.Version(&v).ok());
  EXPECT_TRUE(v.version().starts_with("1.6.20"));
  ipb::PluginsRequest req;
  req.add_filters("type==io.containerd.grpc.v1,id==namespaces");
  ipb::PluginsResponse plugins;
  ASSERT_TRUE(fake.Plugins(req, &plugins).ok());
  ASSERT_EQ(plugins.plugins_size(), 1);
  EXPECT_EQ(plugins.plugins(0).id(), "namespaces");
  ipb::ServerResponse server;
  ASSERT_TRUE(fake.Server(&server).ok());
  EXPECT_EQ(server.uuid().size(), 36u);
}

}  // namespace
}  // namespace fake_containerd
