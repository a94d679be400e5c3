#include "daemon_core/mutation.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace daemon_core {
namespace {

TEST(MutationTest, CatalogueIsInEnumOrderWithUniqueNamesAndAFixEach) {
  std::set<std::string_view> names;
  int expected = 1;
  for (const MutationInfo& m : AllMutations()) {
    EXPECT_EQ(static_cast<int>(m.mutation), expected++);
    EXPECT_TRUE(names.insert(m.name).second) << m.name;
    EXPECT_FALSE(m.description.empty()) << m.name;
    EXPECT_FALSE(m.moby_fix.empty()) << m.name;
    EXPECT_FALSE(m.targets.empty()) << m.name;
    Mutation parsed;
    ASSERT_TRUE(ParseMutation(m.name, &parsed));
    EXPECT_EQ(parsed, m.mutation);
    EXPECT_EQ(Info(m.mutation).name, m.name);
  }
  EXPECT_EQ(AllMutations().size(), 19u);
}

TEST(MutationTest, UnknownNamesAreRejected) {
  Mutation m;
  EXPECT_FALSE(ParseMutation("no-such-bug", &m));
  ASSERT_TRUE(ParseMutation("none", &m));
  EXPECT_EQ(m, Mutation::kNone);
}

}  // namespace
}  // namespace daemon_core
