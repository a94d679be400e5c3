#include "properties/history_text.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace properties {

std::string RenderHistory(const model::History& h, int64_t start_ns) {
  struct Line {
    uint64_t seq;
    std::string text;
  };
  std::vector<Line> lines;
  auto ms = [start_ns](int64_t t) {
    return absl::StrFormat("%9.3fms", static_cast<double>(t - start_ns) / 1e6);
  };
  for (const model::Call& c : h.calls) {
    std::string what =
        absl::StrCat(c.client, " ", model::ToString(c.kind), " ", c.container);
    if (!c.exec_id.empty())
      absl::StrAppend(&what, " exec ", c.exec_id.substr(0, 12));
    lines.push_back(
        {c.invoked, absl::StrCat(ms(c.invoked_at), " call   ", what)});
    if (c.returned == model::kNever) {
      lines.push_back({~uint64_t{0}, absl::StrCat("   (never) return ", what)});
      continue;
    }
    std::string reply = c.reply.kind == model::ErrorKind::kNone
                            ? "OK"
                            : absl::StrCat(model::ToString(c.reply.kind), " \"",
                                           c.reply.message, "\"");
    if (c.inspect) {
      absl::StrAppend(&reply, " status=", model::ToString(c.inspect->status),
                      " running=", c.inspect->running ? "true" : "false",
                      " exit=", c.inspect->exit_code,
                      " execs=", c.inspect->exec_ids.size());
    }
    if (c.wait_code) absl::StrAppend(&reply, " code=", *c.wait_code);
    if (c.exec) {
      absl::StrAppend(&reply, " running=", c.exec->running ? "true" : "false",
                      c.exec->exit_code
                          ? absl::StrCat(" exit=", *c.exec->exit_code)
                          : std::string());
    }
    lines.push_back({c.returned, absl::StrCat(ms(c.returned_at), " return ",
                                              what, " -> ", reply)});
  }
  for (const model::Event& e : h.events) {
    lines.push_back(
        {e.seq,
         absl::StrCat(
             ms(e.at), " event  ", model::ToString(e.kind), " ", e.container,
             e.exec_id.empty() ? "" : " exec " + e.exec_id.substr(0, 12),
             e.kind == model::EventKind::kInitExit ||
                     e.kind == model::EventKind::kExecExit
                 ? absl::StrCat(" code=", e.exit_code)
                 : "")});
  }
  for (const model::DaemonRestart& r : h.restarts) {
    lines.push_back(
        {r.crashed,
         absl::StrCat("            daemon ",
                      r.graceful ? "stopped (SIGTERM)" : "killed (SIGKILL)",
                      r.live_restore ? ", live-restore on" : "")});
    std::string shown;
    for (const model::ContainerSnapshot& c : r.containers) {
      absl::StrAppend(
          &shown, " ", c.id, "=", model::ToString(c.view.status),
          c.view.running ? "" : absl::StrCat("(", c.view.exit_code, ")"),
          c.stale_task ? "+stale-task" : "");
    }
    for (const std::string& id : r.left_behind) {
      absl::StrAppend(&shown, " ", id, "=left-behind");
    }
    lines.push_back(
        {r.restored, absl::StrCat("            daemon restored:",
                                  shown.empty() ? " nothing" : shown)});
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Line& a, const Line& b) { return a.seq < b.seq; });
  std::string out;
  for (const Line& l : lines) absl::StrAppend(&out, l.text, "\n");
  return out;
}

}  // namespace properties
