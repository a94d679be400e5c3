// The ids a logging proxy reads from containerd requests, built with the
// generated messages so that the field numbers are checked against the protos.
#include "wire/request_ids.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/leases/v1/leases.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"

namespace wire {
namespace {

namespace tasks = containerd::services::tasks::v1;
namespace containers = containerd::services::containers::v1;

struct Row {
  std::string what;
  std::string method;
  std::string request;  // serialized
  std::string container_id, exec_id;
};

std::vector<Row> Rows() {
  const std::string t = "/containerd.services.tasks.v1.Tasks/";
  const std::string c = "/containerd.services.containers.v1.Containers/";
  tasks::StartRequest start;
  start.set_container_id("c1");
  start.set_exec_id("e1");
  tasks::ExecProcessRequest exec;  // its exec_id is field 7
  exec.set_container_id("c1");
  exec.set_exec_id("exec-7");
  exec.set_terminal(true);
  containers::CreateContainerRequest create;  // the id is nested
  create.mutable_container()->set_id("web");
  create.mutable_container()->set_image("bb");
  containers::GetContainerRequest get;
  get.set_id("web");
  containerd::services::leases::v1::CreateRequest lease;
  lease.set_id("lease-1");
  const std::string s = start.SerializeAsString();
  return {
      {"task start", t + "Start", s, "c1", "e1"},
      {"exec", t + "Exec", exec.SerializeAsString(), "c1", "exec-7"},
      {"container create", c + "Create", create.SerializeAsString(), "web", ""},
      {"container get", c + "Get", get.SerializeAsString(), "web", ""},
      {"a lease id is no container id",
       "/containerd.services.leases.v1.Leases/Create",
       lease.SerializeAsString(), "", ""},
      {"another service's Start", "/other.Tasks/Start", s, "", ""},
      {"a longer method name", t + "StartX", s, "", ""},
      {"bytes that do not parse", t + "Start", std::string("\x0a\xff", 2), "",
       ""},
  };
}

TEST(RequestIds, EachRowGivesItsIds) {
  for (const Row& row : Rows()) {
    const RequestIds ids = RequestIdsOf(row.method, row.request);
    EXPECT_EQ(ids.container_id, row.container_id) << row.what;
    EXPECT_EQ(ids.exec_id, row.exec_id) << row.what;
  }
}

}  // namespace
}  // namespace wire
