#include "sim/trace.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>

#include "sim/op.h"
#include "sim/prng.h"

namespace sim {

std::string_view EventKindName(EventKind k) {
  switch (k) {
    case EventKind::kStep:
      return "step";
    case EventKind::kChoice:
      return "choice";
    case EventKind::kSpawn:
      return "spawn";
    case EventKind::kFinish:
      return "finish";
    case EventKind::kCancel:
      return "cancel";
    case EventKind::kAcquire:
      return "acquire";
    case EventKind::kRelease:
      return "release";
    case EventKind::kSend:
      return "send";
    case EventKind::kRecv:
      return "recv";
    case EventKind::kClose:
      return "close";
    case EventKind::kRpcRequest:
      return "rpc-request";
    case EventKind::kRpcReply:
      return "rpc-reply";
    case EventKind::kClock:
      return "clock";
    case EventKind::kTimeout:
      return "timeout";
    case EventKind::kNote:
      return "note";
    case EventKind::kViolation:
      return "violation";
  }
  return "?";
}

uint64_t Trace::HashString(std::string_view s, uint64_t h) {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;  // FNV-1a
  return h;
}

Trace::Trace(bool keep_records, bool hashing, Buffers* reuse)
    : keep_records_(keep_records), hashing_(hashing) {
  if (reuse != nullptr) {
    records_.swap(reuse->records);
    strings_.swap(reuse->strings);
    object_names_.swap(reuse->object_names);
    task_names_.swap(reuse->task_names);
    records_.clear();
    strings_.clear();
  }
  // Object 0 (kNoObject) is "-" in every trace: kept names start with it.
  if (object_names_.empty()) SetName(object_names_, 0, {}, "-");
  object_count_ = 1;
}

void Trace::Restart(bool keep_records, bool hashing) {
  keep_records_ = keep_records;
  hashing_ = hashing;
  hash_ = kInitialHash;
  records_.clear();
  strings_.clear();
  object_count_ = 1;  // "-", kept
  task_count_ = 0;
}

void Trace::UseNamesOf(const void* program) {
  if (program == names_of_) return;
  auto kept = [this](const void* p) {
    return std::find_if(kept_names_.begin(), kept_names_.end(),
                        [p](const KeptNames& k) { return k.program == p; });
  };
  // Keep the current names for their program, where there is room.
  if (names_of_ != nullptr) {
    auto it = kept(names_of_);
    if (it == kept_names_.end() && kept_names_.size() < kKeptPrograms) {
      it = kept_names_.insert(kept_names_.end(), KeptNames{names_of_, {}, {}});
    }
    if (it != kept_names_.end()) {
      it->objects.swap(object_names_);
      it->tasks.swap(task_names_);
    }
  }
  names_of_ = program;
  if (auto it = kept(program); it != kept_names_.end()) {
    object_names_.swap(it->objects);
    task_names_.swap(it->tasks);
  }
  // Object 0 (kNoObject) is "-" in every trace: kept names start with it.
  if (object_names_.empty()) SetName(object_names_, 0, {}, "-");
}

void Trace::GiveBuffers(Buffers& into) {
  records_.clear();
  strings_.clear();
  // Keep whichever is larger: a nested executor may have taken the spare.
  auto give = [](auto& mine, auto& theirs) {
    if (mine.capacity() > theirs.capacity()) mine.swap(theirs);
  };
  give(records_, into.records);
  give(strings_, into.strings);
  // The names stay (NewObject and NameTask compare against them); the larger
  // set wins.
  if (object_names_.size() > into.object_names.size())
    object_names_.swap(into.object_names);
  if (task_names_.size() > into.task_names.size())
    task_names_.swap(into.task_names);
  object_count_ = 0;
  task_count_ = 0;
}

uint64_t Trace::SetName(std::vector<Name>& names, size_t i,
                        std::string_view prefix, std::string_view name) {
  if (i < names.size()) {
    // Rewritten in place, in the capacity it has (runs of different programs
    // name different things at an index), unless `prefix` or `name` view it.
    std::string& kept = names[i].text;
    const std::less<const char*> before;
    auto views_kept = [&](std::string_view v) {
      return !v.empty() && !before(v.data(), kept.data()) &&
             before(v.data(), kept.data() + kept.capacity());
    };
    if (!views_kept(prefix) && !views_kept(name)) {
      kept.assign(prefix);
      kept.append(name);
      names[i].hash = HashString(kept);
      return names[i].hash;
    }
  }
  // Built before growing: `name` may view a name that growing moves.
  Name n{std::string(prefix), 0};
  n.text.append(name);
  n.hash = HashString(n.text);
  if (i >= names.size()) names.resize(i + 1);
  names[i] = std::move(n);
  return names[i].hash;
}

uint64_t Trace::AddString(std::string s) {
  if (hashing_) HashIn(HashString(s));
  strings_.push_back(std::move(s));
  return strings_.size() - 1;
}

ObjectId Trace::NewObjectSlow(std::string_view name, std::string_view prefix) {
  const uint64_t h = SetName(object_names_, object_count_, prefix, name);
  if (hashing_) HashIn(h ^ 0x4f);
  return static_cast<ObjectId>(object_count_++);
}

void Trace::NameTaskSlow(TaskId t, std::string_view name) {
  const uint64_t h = SetName(task_names_, t, {}, name);
  if (hashing_) HashIn(h ^ t);
  if (task_count_ <= t) task_count_ = size_t{t} + 1;
}

std::string Trace::task_name(TaskId t) const {
  if (t == kNoTask) return "-";
  return t < task_count_ ? task_names_[t].text : "task#" + std::to_string(t);
}

std::string Trace::Describe(const TraceRecord& r) const {
  std::string s(EventKindName(r.kind));
  switch (r.kind) {
    case EventKind::kStep:
      s = std::string(OpKindName(static_cast<OpKind>(r.value)));
      break;
    case EventKind::kSpawn:
      s += " '" + task_name(static_cast<TaskId>(r.value)) + "'";
      return s;
    case EventKind::kClock:
      s += " -> t=" + std::to_string(r.value) + "ns";
      return s;
    case EventKind::kChoice:
      s += " " + std::to_string(r.value);
      return s;
    case EventKind::kNote:
    case EventKind::kViolation:
      s += ": " + strings_[r.value];
      return s;
    default:
      break;
  }
  if (r.object != kNoObject) s += " '" + object_names_[r.object].text + "'";
  return s;
}

std::string Trace::RenderText(size_t from, size_t to) const {
  std::string out;
  if (to > records_.size()) to = records_.size();
  char head[64];
  for (size_t i = from; i < to; ++i) {
    const TraceRecord& r = records_[i];
    std::snprintf(head, sizeof head, "#%-6llu t=%-12llu ",
                  static_cast<unsigned long long>(r.step),
                  static_cast<unsigned long long>(r.time_ns));
    out += head;
    out += "[" + task_name(r.task) + "] ";
    out += Describe(r);
    out += '\n';
  }
  return out;
}

namespace {

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

}  // namespace

std::string Trace::RenderChromeJson() const {
  // Timestamps are step numbers (1 step = 1 µs on the timeline) so the
  // interleaving reads left to right; virtual time is in each event's args.
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  auto sep = [&] {
    if (!first) out += ",\n";
    first = false;
  };
  for (size_t t = 0; t < task_count_; ++t) {
    sep();
    out += "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":" +
           std::to_string(t) + ",\"args\":{\"name\":";
    AppendJsonString(out, task_names_[t].text);
    out += "}}";
  }
  for (const TraceRecord& r : records_) {
    if (r.task == kNoTask) continue;
    sep();
    const bool slice = r.kind == EventKind::kStep;
    out += slice ? "{\"ph\":\"X\",\"dur\":1," : "{\"ph\":\"i\",\"s\":\"t\",";
    out += "\"pid\":1,\"tid\":" + std::to_string(r.task) +
           ",\"ts\":" + std::to_string(r.step);
    out += ",\"name\":";
    AppendJsonString(out, Describe(r));
    out += ",\"args\":{\"virtual_time_ns\":" + std::to_string(r.time_ns) + "}}";
  }
  out += "\n]}\n";
  return out;
}

}  // namespace sim
