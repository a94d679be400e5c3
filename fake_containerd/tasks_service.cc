#include "fake_containerd/tasks_service.h"

#include "fake_containerd/service_util.h"

namespace fake_containerd {

grpc::Status TasksService::Create(Ctx* ctx, const tpb::CreateTaskRequest* req,
                                  tpb::CreateTaskResponse* resp) {
  return ToGrpc(fake_.CreateTask(NamespaceOf(ctx), *req, resp));
}
grpc::Status TasksService::Start(Ctx* ctx, const tpb::StartRequest* req,
                                 tpb::StartResponse* resp) {
  return ToGrpc(fake_.Start(NamespaceOf(ctx), *req, resp));
}
grpc::Status TasksService::Delete(Ctx* ctx, const tpb::DeleteTaskRequest* req,
                                  tpb::DeleteResponse* resp) {
  return ToGrpc(fake_.DeleteTask(NamespaceOf(ctx), *req, resp));
}
grpc::Status TasksService::DeleteProcess(Ctx* ctx,
                                         const tpb::DeleteProcessRequest* req,
                                         tpb::DeleteResponse* resp) {
  return ToGrpc(fake_.DeleteProcess(NamespaceOf(ctx), *req, resp));
}
grpc::Status TasksService::Get(Ctx* ctx, const tpb::GetRequest* req,
                               tpb::GetResponse* resp) {
  return ToGrpc(fake_.Get(NamespaceOf(ctx), *req, resp));
}
grpc::Status TasksService::List(Ctx* ctx, const tpb::ListTasksRequest* req,
                                tpb::ListTasksResponse* resp) {
  return ToGrpc(fake_.ListTasks(NamespaceOf(ctx), *req, resp));
}
grpc::Status TasksService::Kill(Ctx* ctx, const tpb::KillRequest* req, Empty*) {
  return ToGrpc(fake_.Kill(NamespaceOf(ctx), *req));
}
grpc::Status TasksService::Exec(Ctx* ctx, const tpb::ExecProcessRequest* req,
                                Empty*) {
  return ToGrpc(fake_.Exec(NamespaceOf(ctx), *req));
}
grpc::Status TasksService::ResizePty(Ctx* ctx, const tpb::ResizePtyRequest* req,
                                     Empty*) {
  return ToGrpc(fake_.ResizePty(NamespaceOf(ctx), *req));
}
grpc::Status TasksService::CloseIO(Ctx* ctx, const tpb::CloseIORequest* req,
                                   Empty*) {
  return ToGrpc(fake_.CloseIO(NamespaceOf(ctx), *req));
}
grpc::Status TasksService::Pause(Ctx* ctx, const tpb::PauseTaskRequest* req,
                                 Empty*) {
  return ToGrpc(fake_.Pause(NamespaceOf(ctx), *req));
}
grpc::Status TasksService::Resume(Ctx* ctx, const tpb::ResumeTaskRequest* req,
                                  Empty*) {
  return ToGrpc(fake_.Resume(NamespaceOf(ctx), *req));
}
grpc::Status TasksService::ListPids(Ctx* ctx, const tpb::ListPidsRequest* req,
                                    tpb::ListPidsResponse* resp) {
  return ToGrpc(fake_.ListPids(NamespaceOf(ctx), *req, resp));
}
grpc::Status TasksService::Update(Ctx* ctx, const tpb::UpdateTaskRequest* req,
                                  Empty*) {
  return ToGrpc(fake_.UpdateTask(NamespaceOf(ctx), *req));
}
grpc::Status TasksService::Wait(Ctx*, const tpb::WaitRequest*,
                                tpb::WaitResponse*) {
  return grpc::Status(
      grpc::StatusCode::UNIMPLEMENTED,
      "Tasks/Wait blocks: in the simulation call FakeContainerd::Wait");
}

}  // namespace fake_containerd
