#include "sim/trace.h"

#include <gtest/gtest.h>

#include <memory>

#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/run.h"
#include "sim/strategy_random.h"

namespace sim {
namespace {

sim::Setup TwoLockers() {
  return [](Executor& ex) -> std::shared_ptr<void> {
    auto mu = std::make_shared<Mutex>(ex, "container c1 lock");
    for (const char* name : {"client-1", "client-2"}) {
      ex.Spawn(name, [](Executor& e, Mutex& m) -> Task<void> {
        co_await m.Lock();
        e.Note("ContainerInspect c1");
        m.Unlock();
      }(ex, *mu));
    }
    return mu;
  };
}

TEST(TraceTest, TextNamesTasksObjectsAndNotes) {
  ExecutorOptions o;
  o.keep_trace = true;
  RandomStrategy r;
  RunRecord rec = RunOnce(o, r, TwoLockers());
  EXPECT_NE(rec.trace_text.find("[client-1] lock 'container c1 lock'"),
            std::string::npos)
      << rec.trace_text;
  EXPECT_NE(rec.trace_text.find("[client-2] acquire 'container c1 lock'"),
            std::string::npos);
  EXPECT_NE(rec.trace_text.find("note: ContainerInspect c1"),
            std::string::npos);
}

TEST(TraceTest, ChromeJsonHasOneRowPerTaskAndSlicesPerStep) {
  ExecutorOptions o;
  o.keep_trace = true;
  RandomStrategy r;
  RunRecord rec = RunOnce(o, r, TwoLockers());
  const std::string& j = rec.chrome_json;
  EXPECT_EQ(j.rfind("{\"displayTimeUnit\"", 0), 0u);
  EXPECT_NE(j.find("\"thread_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":"
                   "\"client-1\"}"),
            std::string::npos);
  EXPECT_NE(j.find("\"thread_name\",\"pid\":1,\"tid\":1,\"args\":{\"name\":"
                   "\"client-2\"}"),
            std::string::npos);
  EXPECT_NE(j.find("\"ph\":\"X\""), std::string::npos);
  EXPECT_EQ(j.substr(j.size() - 4), "\n]}\n");
}

TEST(TraceTest, HashDoesNotDependOnKeepingRecords) {
  ExecutorOptions keep, lean;
  keep.keep_trace = true;
  RandomStrategy a, b;
  EXPECT_EQ(RunOnce(keep, a, TwoLockers()).result.trace_hash,
            RunOnce(lean, b, TwoLockers()).result.trace_hash);
}

TEST(TraceTest, HashCoversNamesAndText) {
  Trace a(false), b(false);
  a.AddString("ContainerStart c1");
  b.AddString("ContainerStart c2");
  EXPECT_NE(a.hash(), b.hash());
}

TEST(TraceTest, JsonEscapesNames) {
  Trace t(true);
  t.NameTask(0, "quote\"back\\slash\nnewline");
  t.Add(TraceRecord{1, 0, 0, EventKind::kNote, kNoObject, t.AddString("x")});
  std::string j = t.RenderChromeJson();
  EXPECT_NE(j.find("quote\\\"back\\\\slash\\u000anewline"), std::string::npos)
      << j;
}

}  // namespace
}  // namespace sim
