// fake_containerd/tasks_service.h: the generated Tasks::Service over
// FakeContainerd (thin: namespace header in, grpc::Status out). Checkpoint and
// Metrics stay UNIMPLEMENTED.
//
// Wait blocks until the process exits, which a synchronous override cannot do
// inside the simulation (the executor must run to make the exit happen): here
// it answers UNIMPLEMENTED; sim code calls the coroutine FakeContainerd::Wait,
// and serving Wait over real gRPC is left to the `dsim serve` issue. Not
// thread-safe (as ContainersService).
#ifndef DSIM_FAKE_CONTAINERD_TASKS_SERVICE_H_
#define DSIM_FAKE_CONTAINERD_TASKS_SERVICE_H_

#include "containerd/services/tasks/v1/tasks.grpc.pb.h"
#include "fake_containerd/fake_containerd.h"

namespace fake_containerd {

class TasksService final : public tpb::Tasks::Service {
 public:
  explicit TasksService(FakeContainerd& fake) : fake_(fake) {}

  using Empty = google::protobuf::Empty;
  using Ctx = grpc::ServerContext;
  grpc::Status Create(Ctx* ctx, const tpb::CreateTaskRequest* req,
                      tpb::CreateTaskResponse* resp) override;
  grpc::Status Start(Ctx* ctx, const tpb::StartRequest* req,
                     tpb::StartResponse* resp) override;
  grpc::Status Delete(Ctx* ctx, const tpb::DeleteTaskRequest* req,
                      tpb::DeleteResponse* resp) override;
  grpc::Status DeleteProcess(Ctx* ctx, const tpb::DeleteProcessRequest* req,
                             tpb::DeleteResponse* resp) override;
  grpc::Status Get(Ctx* ctx, const tpb::GetRequest* req,
                   tpb::GetResponse* resp) override;
  grpc::Status List(Ctx* ctx, const tpb::ListTasksRequest* req,
                    tpb::ListTasksResponse* resp) override;
  grpc::Status Kill(Ctx* ctx, const tpb::KillRequest* req,
                    Empty* resp) override;
  grpc::Status Exec(Ctx* ctx, const tpb::ExecProcessRequest* req,
                    Empty* resp) override;
  grpc::Status ResizePty(Ctx* ctx, const tpb::ResizePtyRequest* req,
                         Empty* resp) override;
  grpc::Status CloseIO(Ctx* ctx, const tpb::CloseIORequest* req,
                       Empty* resp) override;
  grpc::Status Pause(Ctx* ctx, const tpb::PauseTaskRequest* req,
                     Empty* resp) override;
  grpc::Status Resume(Ctx* ctx, const tpb::ResumeTaskRequest* req,
                      Empty* resp) override;
  grpc::Status ListPids(Ctx* ctx, const tpb::ListPidsRequest* req,
                        tpb::ListPidsResponse* resp) override;
  grpc::Status Update(Ctx* ctx, const tpb::UpdateTaskRequest* req,
                      Empty* resp) override;
  grpc::Status Wait(Ctx* ctx, const tpb::WaitRequest* req,
                    tpb::WaitResponse* resp) override;

 private:
  FakeContainerd& fake_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_TASKS_SERVICE_H_
