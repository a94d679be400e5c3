// wire/request_ids.cc: one row per containerd method whose request names a
// container: where (field numbers, outermost first) its container id and exec
// id sit. Field numbers are containerd 1.6's (api/services/*/v1/*.proto).
#include "wire/request_ids.h"

#include <google/protobuf/unknown_field_set.h>

#include <initializer_list>
#include <vector>

namespace wire {

namespace {

constexpr std::string_view kContainers =
    "/containerd.services.containers.v1.Containers/";
constexpr std::string_view kTasks = "/containerd.services.tasks.v1.Tasks/";

// A field path: {1} is field 1; {1, 1} is field 1 of the message in field 1.
using FieldPath = std::vector<int>;

struct IdFields {
  std::string_view service;
  std::string_view method;
  FieldPath container_id;
  FieldPath exec_id;  // empty: the request has none
};

const std::vector<IdFields>& Table() {
  static const auto* table = new std::vector<IdFields>{
      // Create and Update carry a whole Container, whose id is its field 1.
      {kContainers, "Get", {1}, {}},       {kContainers, "Create", {1, 1}, {}},
      {kContainers, "Update", {1, 1}, {}}, {kContainers, "Delete", {1}, {}},
      {kTasks, "Create", {1}, {}},         {kTasks, "Start", {1}, {2}},
      {kTasks, "Delete", {1}, {}},         {kTasks, "DeleteProcess", {1}, {2}},
      {kTasks, "Get", {1}, {2}},           {kTasks, "Kill", {1}, {2}},
      {kTasks, "Exec", {1}, {7}},  // ExecProcessRequest.exec_id = 7
      {kTasks, "ResizePty", {1}, {2}},     {kTasks, "CloseIO", {1}, {2}},
      {kTasks, "Pause", {1}, {}},          {kTasks, "Resume", {1}, {}},
      {kTasks, "ListPids", {1}, {}},       {kTasks, "Checkpoint", {1}, {}},
      {kTasks, "Update", {1}, {}},         {kTasks, "Wait", {1}, {2}},
  };
  return *table;
}

// The length-delimited field at `path` in `message`, or "" when absent.
std::string FieldAt(const std::string& message, const FieldPath& path) {
  std::string bytes = message;
  for (int number : path) {
    google::protobuf::UnknownFieldSet fields;
    if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return "";
    }
    std::string found;
    // The last occurrence wins, as protobuf merges a repeated scalar field.
    for (int i = 0; i < fields.field_count(); ++i) {
      const google::protobuf::UnknownField& f = fields.field(i);
      if (f.number() == number &&
          f.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
        found = f.length_delimited();
      }
    }
    bytes = std::move(found);
  }
  return bytes;
}

}  // namespace

RequestIds RequestIdsOf(std::string_view method, const std::string& request) {
  RequestIds ids;
  for (const IdFields& row : Table()) {
    if (method.size() != row.service.size() + row.method.size() ||
        !method.starts_with(row.service) || !method.ends_with(row.method)) {
      continue;
    }
    ids.container_id = FieldAt(request, row.container_id);
    if (!row.exec_id.empty()) ids.exec_id = FieldAt(request, row.exec_id);
    break;
  }
  return ids;
}

}  // namespace wire
