// Wire-compatibility tests for the containerd 1.6 API subset in proto/.
//
// Every expected byte string below is written BY HAND from the field tables in
// the containerd API reference, not produced by protobuf. The tag byte of a
// field is
//     tag = field_number << 3 | wire_type
// with wire_type 0 = varint (ints, bools, enums) and 2 = length-delimited
// (strings, bytes, sub-messages, map entries). A length-delimited field is
// tag, varint length, payload. Fields are emitted in field-number order.
// Varints use 7 bits per byte, low group first, high bit = "more follows":
//     137 = 0b1'0001001 -> 0x89 0x01,  300 = 0b10'0101100 -> 0xAC 0x02.
// A wrong field number, wire type or enum value in any .proto changes a tag
// byte and makes these tests fail.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "containerd/events/container.pb.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.grpc.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.grpc.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "containerd/services/leases/v1/leases.grpc.pb.h"
#include "containerd/services/leases/v1/leases.pb.h"
#include "containerd/services/tasks/v1/tasks.grpc.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "containerd/services/version/v1/version.grpc.pb.h"
#include "containerd/services/version/v1/version.pb.h"
#include "containerd/types/task/task.pb.h"
#include "google/protobuf/descriptor.h"

namespace {

namespace ev = ::containerd::events;
namespace cs = ::containerd::services::containers::v1;
namespace es = ::containerd::services::events::v1;
namespace ls = ::containerd::services::leases::v1;
namespace ts = ::containerd::services::tasks::v1;
namespace vs = ::containerd::services::version::v1;
namespace tt = ::containerd::v1::types;

// Raw bytes from a list of byte values.
std::string B(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

// Length-delimited field: tag, one-byte length (payload < 128), payload.
std::string LD(int tag, const std::string& payload) {
  EXPECT_LT(payload.size(), 128u);
  return B({tag, static_cast<int>(payload.size())}) + payload;
}

// Printable hex for failure messages.
std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
    out.push_back(' ');
  }
  return out;
}

#define EXPECT_BYTES(msg, expected)                                            \
  do {                                                                         \
    std::string actual__ = (msg).SerializeAsString();                          \
    std::string expected__ = (expected);                                       \
    EXPECT_EQ(actual__, expected__)                                            \
        << "actual:   " << Hex(actual__) << "\nexpected: " << Hex(expected__); \
  } while (0)

// google.protobuf.Timestamp{seconds=300, nanos=7}:
//   seconds = 1 -> tag 1<<3|0 = 0x08, 300 -> 0xAC 0x02
//   nanos   = 2 -> tag 2<<3|0 = 0x10, 7 -> 0x07
const std::string kTs300_7 = B({0x08, 0xAC, 0x02, 0x10, 0x07});

// containerd.events.TaskExit{container_id="c1", id="c1", pid=42,
// exit_status=137, exited_at={300,7}}:
//   container_id = 1 -> 1<<3|2 = 0x0A
//   id           = 2 -> 2<<3|2 = 0x12
//   pid          = 3 -> 3<<3|0 = 0x18, 42 = 0x2A
//   exit_status  = 4 -> 4<<3|0 = 0x20, 137 = 0x89 0x01
//   exited_at    = 5 -> 5<<3|2 = 0x2A, length 5
const std::string kTaskExit = LD(0x0A, "c1") + LD(0x12, "c1") +
                              B({0x18, 0x2A}) + B({0x20, 0x89, 0x01}) +
                              LD(0x2A, kTs300_7);

ev::TaskExit MakeTaskExit() {
  ev::TaskExit e;
  e.set_container_id("c1");
  e.set_id("c1");
  e.set_pid(42);
  e.set_exit_status(137);
  e.mutable_exited_at()->set_seconds(300);
  e.mutable_exited_at()->set_nanos(7);
  return e;
}

TEST(WireEncode, TaskExit) {
  EXPECT_BYTES(MakeTaskExit(), kTaskExit);
  EXPECT_EQ(kTaskExit.size(), 20u);
}

TEST(WireEncode, TaskDeleteHasIdLast) {
  // TaskDelete: container_id=1 (0x0A), pid=2 (2<<3|0 = 0x10),
  // exit_status=3 (3<<3|0 = 0x18), exited_at=4 (4<<3|2 = 0x22), id=5 (5<<3|2
  // = 0x2A).
  ev::TaskDelete d;
  d.set_container_id("c1");
  d.set_pid(42);
  d.set_exit_status(1);
  *d.mutable_exited_at() = MakeTaskExit().exited_at();
  d.set_id("x");
  EXPECT_BYTES(d, LD(0x0A, "c1") + B({0x10, 0x2A, 0x18, 0x01}) +
                      LD(0x22, kTs300_7) + LD(0x2A, "x"));
}

TEST(WireEncode, TaskCreateWithTaskIO) {
  // TaskCreate: container_id=1 (0x0A), bundle=2 (0x12), rootfs=3 (0x1A),
  // io=4 (0x22), checkpoint=5 (0x2A), pid=6 (6<<3|0 = 0x30).
  // TaskIO: stdin=1 (0x0A), stdout=2 (0x12), stderr=3 (0x1A),
  // terminal=4 (4<<3|0 = 0x20).
  // Mount: type=1 (0x0A), source=2 (0x12), target=3 (0x1A), options=4 (0x22).
  ev::TaskCreate c;
  c.set_container_id("c1");
  c.set_bundle("b");
  auto* m = c.add_rootfs();
  m->set_type("bind");
  m->set_source("/a");
  m->set_target("/");
  m->add_options("rbind");
  m->add_options("ro");
  c.mutable_io()->set_stdin("i");
  c.mutable_io()->set_stdout("o");
  c.mutable_io()->set_stderr("e");
  c.mutable_io()->set_terminal(true);
  c.set_checkpoint("k");
  c.set_pid(300);
  const std::string mount = LD(0x0A, "bind") + LD(0x12, "/a") + LD(0x1A, "/") +
                            LD(0x22, "rbind") + LD(0x22, "ro");
  const std::string io =
      LD(0x0A, "i") + LD(0x12, "o") + LD(0x1A, "e") + B({0x20, 0x01});
  EXPECT_BYTES(c, LD(0x0A, "c1") + LD(0x12, "b") + LD(0x1A, mount) +
                      LD(0x22, io) + LD(0x2A, "k") + B({0x30, 0xAC, 0x02}));
}

TEST(WireEncode, SmallTaskEvents) {
  // TaskExecStarted: container_id=1 (0x0A), exec_id=2 (0x12), pid=3 (0x18).
  ev::TaskExecStarted s;
  s.set_container_id("c1");
  s.set_exec_id("e1");
  s.set_pid(7);
  EXPECT_BYTES(s, LD(0x0A, "c1") + LD(0x12, "e1") + B({0x18, 0x07}));
  // TaskStart: container_id=1, pid=2 (2<<3|0 = 0x10).
  ev::TaskStart st;
  st.set_container_id("c1");
  st.set_pid(7);
  EXPECT_BYTES(st, LD(0x0A, "c1") + B({0x10, 0x07}));
  // TaskCheckpointed: container_id=1, checkpoint=2 (0x12).
  ev::TaskCheckpointed cp;
  cp.set_container_id("c1");
  cp.set_checkpoint("d");
  EXPECT_BYTES(cp, LD(0x0A, "c1") + LD(0x12, "d"));
}

TEST(WireEncode, ContainerEvents) {
  // ContainerCreate: id=1 (0x0A), image=2 (0x12), runtime=3 (0x1A);
  // Runtime: name=1 (0x0A), options=2 (0x12).
  ev::ContainerCreate c;
  c.set_id("c1");
  c.set_image("img");
  c.mutable_runtime()->set_name("r");
  c.mutable_runtime()->mutable_options()->set_type_url("t");
  EXPECT_BYTES(c, LD(0x0A, "c1") + LD(0x12, "img") +
                      LD(0x1A, LD(0x0A, "r") + LD(0x12, LD(0x0A, "t"))));
  // ContainerUpdate: id=1, image=2, labels=3 (map entry 0x1A; key=1 0x0A,
  // value=2 0x12), snapshot_key=4 (0x22).
  ev::ContainerUpdate u;
  u.set_id("c1");
  (*u.mutable_labels())["a"] = "b";
  u.set_snapshot_key("s");
  EXPECT_BYTES(u, LD(0x0A, "c1") + LD(0x1A, LD(0x0A, "a") + LD(0x12, "b")) +
                      LD(0x22, "s"));
}

TEST(WireEncode, KillRequest) {
  // container_id=1 (0x0A), exec_id=2 (0x12), signal=3 (3<<3|0 = 0x18),
  // all=4 (4<<3|0 = 0x20).
  ts::KillRequest k;
  k.set_container_id("c1");
  k.set_exec_id("e1");
  k.set_signal(9);
  k.set_all(true);
  EXPECT_BYTES(k,
               LD(0x0A, "c1") + LD(0x12, "e1") + B({0x18, 0x09, 0x20, 0x01}));
}

TEST(WireEncode, ExecProcessRequestExecIdIsSeven) {
  // container_id=1 (0x0A), stdin=2 (0x12), stdout=3 (0x1A), stderr=4 (0x22),
  // terminal=5 (5<<3|0 = 0x28), spec=6 (6<<3|2 = 0x32), exec_id=7 (7<<3|2 =
  // 0x3A). Any: type_url=1 (0x0A), value=2 (0x12).
  ts::ExecProcessRequest r;
  r.set_container_id("c1");
  r.set_stdin("i");
  r.set_stdout("o");
  r.set_stderr("e");
  r.set_terminal(true);
  r.mutable_spec()->set_type_url("t");
  r.mutable_spec()->set_value("{}");
  r.set_exec_id("e1");
  EXPECT_BYTES(r, LD(0x0A, "c1") + LD(0x12, "i") + LD(0x1A, "o") +
                      LD(0x22, "e") + B({0x28, 0x01}) +
                      LD(0x32, LD(0x0A, "t") + LD(0x12, "{}")) +
                      LD(0x3A, "e1"));
}

TEST(WireEncode, CreateTaskRequestSkipsFieldTwo) {
  // container_id=1 (0x0A), [no 2], rootfs=3 (0x1A), stdin=4 (0x22),
  // stdout=5 (0x2A), stderr=6 (0x32), terminal=7 (7<<3|0 = 0x38),
  // checkpoint=8 (8<<3|2 = 0x42), options=9 (9<<3|2 = 0x4A),
  // runtime_path=10 (10<<3|2 = 0x52).
  // Descriptor: media_type=1 (0x0A), digest=2 (0x12), size=3 (3<<3|0 = 0x18),
  // annotations=5 (5<<3|2 = 0x2A, entry key=1 0x0A, value=2 0x12).
  ts::CreateTaskRequest r;
  r.set_container_id("c1");
  auto* m = r.add_rootfs();
  m->set_type("bind");
  m->add_options("ro");
  r.set_stdin("i");
  r.set_stdout("o");
  r.set_stderr("e");
  r.set_terminal(true);
  r.mutable_checkpoint()->set_media_type("m");
  r.mutable_checkpoint()->set_digest("d");
  r.mutable_checkpoint()->set_size(5);
  (*r.mutable_checkpoint()->mutable_annotations())["k"] = "v";
  r.mutable_options()->set_type_url("t");
  r.set_runtime_path("r");
  const std::string mount = LD(0x0A, "bind") + LD(0x22, "ro");
  const std::string desc = LD(0x0A, "m") + LD(0x12, "d") + B({0x18, 0x05}) +
                           LD(0x2A, LD(0x0A, "k") + LD(0x12, "v"));
  EXPECT_BYTES(r, LD(0x0A, "c1") + LD(0x1A, mount) + LD(0x22, "i") +
                      LD(0x2A, "o") + LD(0x32, "e") + B({0x38, 0x01}) +
                      LD(0x42, desc) + LD(0x4A, LD(0x0A, "t")) + LD(0x52, "r"));
}

TEST(WireEncode, OtherTaskRequests) {
  // DeleteResponse: id=1 (0x0A), pid=2 (0x10), exit_status=3 (0x18),
  // exited_at=4 (0x22).
  ts::DeleteResponse d;
  d.set_id("e1");
  d.set_pid(42);
  d.set_exit_status(137);
  d.mutable_exited_at()->set_seconds(300);
  d.mutable_exited_at()->set_nanos(7);
  EXPECT_BYTES(d, LD(0x0A, "e1") + B({0x10, 0x2A, 0x18, 0x89, 0x01}) +
                      LD(0x22, kTs300_7));
  // ResizePtyRequest: container_id=1, exec_id=2, width=3 (0x18), height=4
  // (0x20).
  ts::ResizePtyRequest rp;
  rp.set_container_id("c1");
  rp.set_exec_id("e1");
  rp.set_width(80);
  rp.set_height(24);
  EXPECT_BYTES(rp, LD(0x0A, "c1") + LD(0x12, "e1") + B({0x18, 80, 0x20, 24}));
  // CloseIORequest: container_id=1, exec_id=2, stdin=3 (0x18).
  ts::CloseIORequest ci;
  ci.set_container_id("c1");
  ci.set_stdin(true);
  EXPECT_BYTES(ci, LD(0x0A, "c1") + B({0x18, 0x01}));
  // CheckpointTaskRequest: container_id=1, parent_checkpoint=2 (0x12),
  // options=3 (0x1A).
  ts::CheckpointTaskRequest ck;
  ck.set_container_id("c1");
  ck.set_parent_checkpoint("p");
  ck.mutable_options()->set_type_url("t");
  EXPECT_BYTES(ck, LD(0x0A, "c1") + LD(0x12, "p") + LD(0x1A, LD(0x0A, "t")));
  // UpdateTaskRequest: container_id=1, resources=2 (0x12), annotations=3
  // (0x1A).
  ts::UpdateTaskRequest up;
  up.set_container_id("c1");
  up.mutable_resources()->set_type_url("t");
  (*up.mutable_annotations())["a"] = "b";
  EXPECT_BYTES(up, LD(0x0A, "c1") + LD(0x12, LD(0x0A, "t")) +
                       LD(0x1A, LD(0x0A, "a") + LD(0x12, "b")));
  // StartResponse: pid=1 (0x08). WaitResponse: exit_status=1 (0x08),
  // exited_at=2 (0x12). CreateTaskResponse: container_id=1, pid=2 (0x10).
  ts::StartResponse sr;
  sr.set_pid(300);
  EXPECT_BYTES(sr, B({0x08, 0xAC, 0x02}));
  ts::WaitResponse w;
  w.set_exit_status(137);
  *w.mutable_exited_at() = d.exited_at();
  EXPECT_BYTES(w, B({0x08, 0x89, 0x01}) + LD(0x12, kTs300_7));
  ts::CreateTaskResponse cr;
  cr.set_container_id("c1");
  cr.set_pid(42);
  EXPECT_BYTES(cr, LD(0x0A, "c1") + B({0x10, 0x2A}));
  // ListPidsResponse: processes=1 (0x0A); ProcessInfo: pid=1 (0x08), info=2
  // (0x12).
  ts::ListPidsResponse lp;
  auto* pi = lp.add_processes();
  pi->set_pid(42);
  pi->mutable_info()->set_type_url("t");
  EXPECT_BYTES(lp, LD(0x0A, B({0x08, 0x2A}) + LD(0x12, LD(0x0A, "t"))));
  // MetricsResponse: metrics=1 (0x0A); Metric: timestamp=1 (0x0A), id=2
  // (0x12), data=3 (0x1A).
  ts::MetricsResponse mr;
  auto* me = mr.add_metrics();
  *me->mutable_timestamp() = d.exited_at();
  me->set_id("c1");
  me->mutable_data()->set_type_url("t");
  EXPECT_BYTES(mr, LD(0x0A, LD(0x0A, kTs300_7) + LD(0x12, "c1") +
                                LD(0x1A, LD(0x0A, "t"))));
}

// containerd.v1.types.Process{container_id="c1", id="e1", pid=42,
// status=RUNNING(2), stdin="i", terminal=true, exit_status=3, exited_at={}}:
//   container_id=1 0x0A, id=2 0x12, pid=3 (3<<3|0) 0x18,
//   status=4 (4<<3|0) 0x20, stdin=5 (5<<3|2) 0x2A, terminal=8 (8<<3|0) 0x40,
//   exit_status=9 (9<<3|0) 0x48, exited_at=10 (10<<3|2) 0x52 with length 0
//   (a present-but-zero Timestamp still goes on the wire).
TEST(WireEncode, ProcessWithStatusEnum) {
  tt::Process p;
  p.set_container_id("c1");
  p.set_id("e1");
  p.set_pid(42);
  p.set_status(tt::RUNNING);
  p.set_stdin("i");
  p.set_terminal(true);
  p.set_exit_status(3);
  p.mutable_exited_at();
  EXPECT_BYTES(p, LD(0x0A, "c1") + LD(0x12, "e1") +
                      B({0x18, 0x2A, 0x20, 0x02}) + LD(0x2A, "i") +
                      B({0x40, 0x01, 0x48, 0x03, 0x52, 0x00}));
  // stdout=6 (0x32), stderr=7 (0x3A).
  tt::Process q;
  q.set_stdout("o");
  q.set_stderr("e");
  EXPECT_BYTES(q, LD(0x32, "o") + LD(0x3A, "e"));
  EXPECT_EQ(tt::UNKNOWN, 0);
  EXPECT_EQ(tt::CREATED, 1);
  EXPECT_EQ(tt::RUNNING, 2);
  EXPECT_EQ(tt::STOPPED, 3);
  EXPECT_EQ(tt::PAUSED, 4);
  EXPECT_EQ(tt::PAUSING, 5);
  EXPECT_EQ(tt::Status_Name(tt::PAUSING), "PAUSING");
}

TEST(WireEncode, EnvelopeWithBareTypeUrl) {
  // Envelope: timestamp=1 (0x0A), namespace=2 (0x12), topic=3 (0x1A),
  // event=4 (4<<3|2 = 0x22). Any: type_url=1 (0x0A), value=2 (0x12).
  // type_url is the BARE name "containerd.events.TaskExit" (26 bytes = 0x1A),
  // value is kTaskExit (20 bytes = 0x14), so the Any is 2+26+2+20 = 50 = 0x32.
  es::Envelope env;
  env.mutable_timestamp()->set_seconds(300);
  env.mutable_timestamp()->set_nanos(7);
  env.set_namespace_("ns");
  env.set_topic("/tasks/exit");
  env.mutable_event()->set_type_url(ev::TaskExit::descriptor()->full_name());
  ASSERT_TRUE(
      MakeTaskExit().SerializeToString(env.mutable_event()->mutable_value()));
  const std::string any = B({0x0A, 0x1A}) + "containerd.events.TaskExit" +
                          B({0x12, 0x14}) + kTaskExit;
  ASSERT_EQ(any.size(), 0x32u);
  EXPECT_BYTES(env, B({0x0A, 0x05}) + kTs300_7 + B({0x12, 0x02}) + "ns" +
                        B({0x1A, 0x0B}) + "/tasks/exit" + B({0x22, 0x32}) +
                        any);

  // PublishRequest: topic=1 (0x0A), event=2 (0x12).
  es::PublishRequest pub;
  pub.set_topic("/tasks/exit");
  *pub.mutable_event() = env.event();
  EXPECT_BYTES(pub, LD(0x0A, "/tasks/exit") + LD(0x12, any));
  // ForwardRequest: envelope=1 (0x0A). SubscribeRequest: filters=1 (0x0A).
  es::ForwardRequest fwd;
  fwd.mutable_envelope()->set_namespace_("ns");
  EXPECT_BYTES(fwd, LD(0x0A, LD(0x12, "ns")));
  es::SubscribeRequest sub;
  sub.add_filters("a");
  sub.add_filters("b");
  EXPECT_BYTES(sub, LD(0x0A, "a") + LD(0x0A, "b"));
}

TEST(WireEncode, BareTypeUrlIsNotRecognisedByAnyIs) {
  // protobuf's Any::Is/UnpackTo require a '/' before the type name, so they
  // reject containerd's bare type_url; code must compare type_url itself.
  // PackFrom adds "type.googleapis.com/", which Go subscribers cannot decode.
  google::protobuf::Any a;
  a.set_type_url("containerd.events.TaskExit");
  a.set_value(kTaskExit);
  EXPECT_FALSE(a.Is<ev::TaskExit>());
  ev::TaskExit e;
  ASSERT_TRUE(e.ParseFromString(a.value()));
  EXPECT_EQ(e.exit_status(), 137u);
  google::protobuf::Any packed;
  packed.PackFrom(e);
  EXPECT_EQ(packed.type_url(),
            "type.googleapis.com/containerd.events.TaskExit");
}

TEST(WireEncode, GetContainerRequestAndResponse) {
  // GetContainerRequest: id=1 (0x0A).
  cs::GetContainerRequest req;
  req.set_id("c1");
  EXPECT_BYTES(req, B({0x0A, 0x02}) + "c1");

  // Container: id=1 0x0A, labels=2 0x12 (entry key 0x0A / value 0x12),
  // image=3 0x1A, runtime=4 0x22 (Runtime name=1 0x0A, options=2 0x12),
  // spec=5 0x2A, snapshotter=6 0x32, snapshot_key=7 0x3A,
  // created_at=8 (8<<3|2) 0x42, updated_at=9 (9<<3|2) 0x4A,
  // extensions=10 (10<<3|2) 0x52 (entry key 0x0A / Any value 0x12).
  // GetContainerResponse: container=1 0x0A.
  cs::GetContainerResponse resp;
  auto* c = resp.mutable_container();
  c->set_id("c1");
  (*c->mutable_labels())["a"] = "b";
  c->set_image("i");
  c->mutable_runtime()->set_name("r");
  c->mutable_runtime()->mutable_options()->set_type_url("o");
  c->mutable_spec()->set_type_url("s");
  c->set_snapshotter("n");
  c->set_snapshot_key("k");
  c->mutable_created_at()->set_seconds(1);
  c->mutable_updated_at()->set_seconds(2);
  (*c->mutable_extensions())["x"].set_type_url("t");
  const std::string container =
      LD(0x0A, "c1") + LD(0x12, LD(0x0A, "a") + LD(0x12, "b")) + LD(0x1A, "i") +
      LD(0x22, LD(0x0A, "r") + LD(0x12, LD(0x0A, "o"))) +
      LD(0x2A, LD(0x0A, "s")) + LD(0x32, "n") + LD(0x3A, "k") +
      LD(0x42, B({0x08, 0x01})) + LD(0x4A, B({0x08, 0x02})) +
      LD(0x52, LD(0x0A, "x") + LD(0x12, LD(0x0A, "t")));
  EXPECT_BYTES(resp, LD(0x0A, container));

  // UpdateContainerRequest: container=1 0x0A, update_mask=2 0x12
  // (FieldMask paths=1 0x0A).
  cs::UpdateContainerRequest upd;
  upd.mutable_container()->set_id("c1");
  upd.mutable_update_mask()->add_paths("labels.a");
  EXPECT_BYTES(upd, LD(0x0A, LD(0x0A, "c1")) + LD(0x12, LD(0x0A, "labels.a")));
  // ListContainersRequest: filters=1 0x0A.
  cs::ListContainersRequest list;
  list.add_filters("id==c1");
  EXPECT_BYTES(list, LD(0x0A, "id==c1"));
}

TEST(WireEncode, LeasesAndVersion) {
  // Lease: id=1 0x0A, created_at=2 0x12, labels=3 0x1A.
  ls::CreateResponse cr;
  cr.mutable_lease()->set_id("l");
  cr.mutable_lease()->mutable_created_at()->set_seconds(1);
  (*cr.mutable_lease()->mutable_labels())["a"] = "b";
  EXPECT_BYTES(cr, LD(0x0A, LD(0x0A, "l") + LD(0x12, B({0x08, 0x01})) +
                                LD(0x1A, LD(0x0A, "a") + LD(0x12, "b"))));
  // CreateRequest: id=1 0x0A, labels=3 0x1A (no field 2).
  ls::CreateRequest c;
  c.set_id("l");
  (*c.mutable_labels())["a"] = "b";
  EXPECT_BYTES(c, LD(0x0A, "l") + LD(0x1A, LD(0x0A, "a") + LD(0x12, "b")));
  // DeleteRequest: id=1 0x0A, sync=2 (2<<3|0) 0x10.
  ls::DeleteRequest d;
  d.set_id("l");
  d.set_sync(true);
  EXPECT_BYTES(d, LD(0x0A, "l") + B({0x10, 0x01}));
  // VersionResponse: version=1 0x0A, revision=2 0x12.
  vs::VersionResponse v;
  v.set_version("1.6.20");
  v.set_revision("r");
  EXPECT_BYTES(v, LD(0x0A, "1.6.20") + LD(0x12, "r"));
}

TEST(WireDecode, ParsesHandWrittenBytes) {
  ev::TaskExit e;
  ASSERT_TRUE(e.ParseFromString(kTaskExit));
  EXPECT_EQ(e.container_id(), "c1");
  EXPECT_EQ(e.id(), "c1");
  EXPECT_EQ(e.pid(), 42u);
  EXPECT_EQ(e.exit_status(), 137u);
  ASSERT_TRUE(e.has_exited_at());
  EXPECT_EQ(e.exited_at().seconds(), 300);
  EXPECT_EQ(e.exited_at().nanos(), 7);

  // Process with status=4 (PAUSED) and an empty exited_at: 20 04 52 00.
  tt::Process p;
  ASSERT_TRUE(p.ParseFromString(LD(0x0A, "c1") + B({0x20, 0x04, 0x52, 0x00})));
  EXPECT_EQ(p.container_id(), "c1");
  EXPECT_EQ(p.status(), tt::PAUSED);
  EXPECT_TRUE(p.has_exited_at());

  // WaitResponse{exit_status=137, exited_at={300,7}}.
  ts::WaitResponse w;
  ASSERT_TRUE(w.ParseFromString(B({0x08, 0x89, 0x01}) + LD(0x12, kTs300_7)));
  EXPECT_EQ(w.exit_status(), 137u);
  EXPECT_EQ(w.exited_at().seconds(), 300);

  // KillRequest{container_id="c1", exec_id="e1", signal=15, all=true}.
  ts::KillRequest k;
  ASSERT_TRUE(k.ParseFromString(LD(0x0A, "c1") + LD(0x12, "e1") +
                                B({0x18, 0x0F, 0x20, 0x01})));
  EXPECT_EQ(k.exec_id(), "e1");
  EXPECT_EQ(k.signal(), 15u);
  EXPECT_TRUE(k.all());

  // A containerd 1.7 Container with sandbox = 11 (11<<3|2 = 0x5A) still
  // parses; the unknown field is kept and re-emitted.
  const std::string v17 = LD(0x0A, "c1") + LD(0x5A, "sb");
  cs::Container c;
  ASSERT_TRUE(c.ParseFromString(v17));
  EXPECT_EQ(c.id(), "c1");
  EXPECT_EQ(c.SerializeAsString(), v17);
}

// "/<package>.<Service>/<Method>" built from the generated descriptors.
std::vector<std::string> MethodPaths(const std::string& service) {
  const auto* sd =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          service);
  std::vector<std::string> out;
  if (sd == nullptr) return out;
  for (int i = 0; i < sd->method_count(); ++i) {
    out.push_back("/" + sd->full_name() + "/" + sd->method(i)->name());
  }
  return out;
}

TEST(ServiceNames, FullNames) {
  EXPECT_STREQ(ts::Tasks::service_full_name(),
               "containerd.services.tasks.v1.Tasks");
  EXPECT_STREQ(cs::Containers::service_full_name(),
               "containerd.services.containers.v1.Containers");
  EXPECT_STREQ(es::Events::service_full_name(),
               "containerd.services.events.v1.Events");
  EXPECT_STREQ(ls::Leases::service_full_name(),
               "containerd.services.leases.v1.Leases");
  EXPECT_STREQ(vs::Version::service_full_name(),
               "containerd.services.version.v1.Version");
  EXPECT_EQ(ev::TaskExit::descriptor()->full_name(),
            "containerd.events.TaskExit");
  EXPECT_EQ(tt::Process::descriptor()->full_name(),
            "containerd.v1.types.Process");
}

TEST(ServiceNames, MethodPaths) {
  const std::string t = "/containerd.services.tasks.v1.Tasks/";
  EXPECT_EQ(MethodPaths("containerd.services.tasks.v1.Tasks"),
            (std::vector<std::string>{
                t + "Create", t + "Start", t + "Delete", t + "DeleteProcess",
                t + "Get", t + "List", t + "Kill", t + "Exec", t + "ResizePty",
                t + "CloseIO", t + "Pause", t + "Resume", t + "ListPids",
                t + "Checkpoint", t + "Update", t + "Metrics", t + "Wait"}));
  const std::string c = "/containerd.services.containers.v1.Containers/";
  EXPECT_EQ(
      MethodPaths("containerd.services.containers.v1.Containers"),
      (std::vector<std::string>{c + "Get", c + "List", c + "ListStream",
                                c + "Create", c + "Update", c + "Delete"}));
  const std::string e = "/containerd.services.events.v1.Events/";
  EXPECT_EQ(MethodPaths("containerd.services.events.v1.Events"),
            (std::vector<std::string>{e + "Publish", e + "Forward",
                                      e + "Subscribe"}));
  EXPECT_EQ(MethodPaths("containerd.services.leases.v1.Leases"),
            (std::vector<std::string>{
                "/containerd.services.leases.v1.Leases/Create",
                "/containerd.services.leases.v1.Leases/Delete"}));
  EXPECT_EQ(MethodPaths("containerd.services.version.v1.Version"),
            (std::vector<std::string>{
                "/containerd.services.version.v1.Version/Version"}));
}

TEST(ServiceNames, SignaturesAndStreaming) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const auto* tasks =
      pool->FindServiceByName("containerd.services.tasks.v1.Tasks");
  ASSERT_NE(tasks, nullptr);
  EXPECT_EQ(tasks->FindMethodByName("Exec")->output_type()->full_name(),
            "google.protobuf.Empty");
  EXPECT_EQ(tasks->FindMethodByName("Delete")->output_type()->full_name(),
            "containerd.services.tasks.v1.DeleteResponse");
  EXPECT_EQ(
      tasks->FindMethodByName("DeleteProcess")->output_type()->full_name(),
      "containerd.services.tasks.v1.DeleteResponse");
  EXPECT_EQ(tasks->FindMethodByName("Kill")->output_type()->full_name(),
            "google.protobuf.Empty");
  EXPECT_FALSE(tasks->FindMethodByName("Wait")->server_streaming());

  const auto* events =
      pool->FindServiceByName("containerd.services.events.v1.Events");
  ASSERT_NE(events, nullptr);
  const auto* subscribe = events->FindMethodByName("Subscribe");
  EXPECT_TRUE(subscribe->server_streaming());
  EXPECT_FALSE(subscribe->client_streaming());
  EXPECT_EQ(subscribe->output_type()->full_name(),
            "containerd.services.events.v1.Envelope");

  const auto* containers =
      pool->FindServiceByName("containerd.services.containers.v1.Containers");
  ASSERT_NE(containers, nullptr);
  EXPECT_TRUE(containers->FindMethodByName("ListStream")->server_streaming());
  EXPECT_EQ(
      containers->FindMethodByName("ListStream")->output_type()->full_name(),
      "containerd.services.containers.v1.ListContainerMessage");
}

}  // namespace
