#include "sim/trace.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

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

// Names are kept from run to run on a thread; a name kept from an earlier
// trace is compared, not hashed again, and must give the same hash as a fresh
// one, whether it changed or not.
TEST(TraceTest, ReusedNamesHashAsFreshOnes) {
  auto hash_of = [](Trace::Buffers* reuse, const char* second) {
    Trace t(false, true, reuse);
    t.NewObject("store");
    t.NewObject(second, "task ");
    t.NameTask(0, second);
    const uint64_t h = t.hash();
    if (reuse != nullptr) t.GiveBuffers(*reuse);
    return h;
  };
  Trace::Buffers kept;
  EXPECT_EQ(hash_of(&kept, "T0"), hash_of(nullptr, "T0"));
  EXPECT_EQ(hash_of(&kept, "T0"), hash_of(nullptr, "T0"));    // kept, equal
  EXPECT_EQ(hash_of(&kept, "T10"), hash_of(nullptr, "T10"));  // changed
  EXPECT_NE(hash_of(&kept, "T1"), hash_of(nullptr, "T0"));
}

// A kept name is compared, not copied: a name of the same length that differs
// in any one byte, at any length (the compare loads short names in pieces),
// must replace it and hash as a fresh one.
TEST(TraceTest, ANameDifferingInOneByteReplacesTheKeptOne) {
  Trace::Buffers kept;
  for (size_t len = 1; len <= 24; ++len) {
    const std::string base(len, 'a');
    for (size_t at = 0; at < len; ++at) {
      const std::string changed =
          base.substr(0, at) + 'b' + base.substr(at + 1);
      for (const std::string* name : {&base, &changed}) {
        Trace reused(false, true, &kept), fresh(false, true);
        const ObjectId o = reused.NewObject(*name, "task ");
        fresh.NewObject(*name, "task ");
        reused.NameTask(0, *name);
        fresh.NameTask(0, *name);
        EXPECT_EQ(reused.object_name(o), "task " + *name);
        EXPECT_EQ(reused.task_name(0), *name);
        EXPECT_EQ(reused.hash(), fresh.hash()) << len << " " << at;
        reused.GiveBuffers(kept);
      }
    }
  }
}

// A new name may view the kept name it replaces (rewritten in place
// otherwise).
TEST(TraceTest, ANameMayViewTheKeptNameItReplaces) {
  Trace::Buffers kept;
  {
    Trace first(false, true, &kept);
    first.NewObject("a name longer than the inline buffer");
    first.GiveBuffers(kept);
  }
  Trace t(false, true, &kept);
  const std::string_view stale = t.object_name(1);  // kept from `first`
  const ObjectId o = t.NewObject(stale.substr(2), "x");
  EXPECT_EQ(t.object_name(o), "xname longer than the inline buffer");
  Trace fresh(false);
  fresh.NewObject("xname longer than the inline buffer");
  EXPECT_EQ(t.hash(), fresh.hash());
}

// A name may be a view of another name of the same trace, which growing the
// names moves.
TEST(TraceTest, ANameMayViewAnotherName) {
  Trace t(false);
  const ObjectId first = t.NewObject("a name longer than the inline buffer");
  for (int i = 0; i < 100; ++i) {
    const ObjectId o = t.NewObject(t.object_name(first));
    EXPECT_EQ(t.object_name(o), t.object_name(first));
  }
}

// Programs alternating on one trace, each under its own key (or a shared
// one, or more keys than are kept): every run's names and hash are those of
// a fresh trace.
TEST(TraceTest, NamesKeptPerProgramNameAndHashAsFreshOnes) {
  auto names_of = [](int program, int run) {
    std::vector<std::string> names = {"daemon", "store"};
    for (int i = 0; i < program % 5; ++i) {
      names.push_back("container c" + std::to_string(program) + "-" +
                      std::to_string(i) + " of a long enough name");
    }
    if (run % 3 == 0) names.push_back("now and then " + std::to_string(run));
    return names;
  };
  for (const int programs : {1, 3, 300}) {
    for (const bool shared_key : {false, true}) {
      Trace t(false, true);
      std::vector<int> keys(programs);
      for (int run = 0; run < 900; ++run) {
        const int p = run % programs;
        t.Restart(false, true);
        t.UseNamesOf(shared_key ? &keys[0] : &keys[p]);
        Trace fresh(false, true);
        const std::vector<std::string> names = names_of(p, run);
        for (size_t i = 0; i < names.size(); ++i) {
          const ObjectId o = t.NewObject(names[i], "object ");
          fresh.NewObject(names[i], "object ");
          t.NameTask(static_cast<TaskId>(i), names[i]);
          fresh.NameTask(static_cast<TaskId>(i), names[i]);
          ASSERT_EQ(t.object_name(o), "object " + names[i]);
          ASSERT_EQ(t.task_name(static_cast<TaskId>(i)), names[i]);
        }
        ASSERT_EQ(t.object_name(kNoObject), "-");
        ASSERT_EQ(t.hash(), fresh.hash())
            << programs << " programs, run " << run;
      }
    }
  }
}

}  // namespace
}  // namespace sim
