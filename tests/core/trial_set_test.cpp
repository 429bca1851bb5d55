#include "core/trial_set.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/keys.h"

namespace sweep {
namespace {

// A spec of every known key at its default, with `changes` over them.
TrialSpec spec_with(std::uint64_t id,
                    const std::vector<std::pair<std::string, std::string>>& changes) {
  TrialSpec s;
  s.trial_id = id;
  for (const auto& k : known_keys()) s.params.emplace_back(k.name, k.default_value);
  for (const auto& [key, value] : changes) {
    for (auto& kv : s.params) {
      if (kv.first == key) kv.second = value;
    }
  }
  return s;
}

std::size_t index_of(const std::string& key) {
  return static_cast<std::size_t>(find_key(key) - known_keys().data());
}

TEST(TrialSet, GivesBackEachTrialAsAdded) {
  TrialSet set;
  const std::vector<TrialSpec> in = {spec_with(7, {{"filters", "8"}}),
                                     spec_with(9, {{"filters", "16"}, {"seed", "3"}}),
                                     spec_with(11, {{"filters", "8"}, {"seed", "4"}})};
  for (const auto& s : in) set.add(s);
  ASSERT_EQ(set.size(), 3u);
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(set.id(i), in[i].trial_id);
    EXPECT_EQ(set.spec(i).params, in[i].params);
  }
  EXPECT_EQ(set.get(1, "filters"), "16");
  EXPECT_EQ(set.get(2, "seed"), "4");
  EXPECT_EQ(set.get(0, "epochs"), find_key("epochs")->default_value);
  EXPECT_THROW(set.get(0, "no_such_key"), std::out_of_range);
}

TEST(TrialSet, StoresOneValueForKeysThatNeverChange) {
  TrialSet set;
  set.add(spec_with(1, {{"filters", "8"}}));
  set.add(spec_with(2, {{"filters", "8"}, {"seed", "5"}}));
  set.add(spec_with(3, {{"filters", "16"}, {"seed", "5"}}));
  // Only filters and seed took a second value.
  EXPECT_EQ(set.varying_keys(), (std::vector<std::size_t>{index_of("filters"), index_of("seed")}));
  EXPECT_EQ(set.distinct(index_of("filters")), (std::vector<std::string>{"8", "16"}));
  EXPECT_EQ(set.value_index(0, index_of("filters")), 0u);
  EXPECT_EQ(set.value_index(2, index_of("filters")), 1u);
  EXPECT_EQ(set.value_index(2, index_of("epochs")), 0u);
  EXPECT_EQ(set.distinct(index_of("epochs")).size(), 1u);
}

TEST(TrialSet, IteratesAsSpecs) {
  TrialSet set;
  set.add(spec_with(1, {}));
  set.add(spec_with(2, {{"dropout", "0.5"}}));
  std::vector<std::uint64_t> ids;
  for (const TrialSpec& t : set) ids.push_back(t.trial_id);
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(set.specs().size(), 2u);
  EXPECT_EQ(set.front().trial_id, 1u);
}

TEST(TrialSet, RefusesSpecsNotInSchemaOrder) {
  TrialSet set;
  TrialSpec s = spec_with(1, {});
  std::swap(s.params[0], s.params[1]);
  EXPECT_THROW(set.add(s), std::invalid_argument);
  s.params.pop_back();
  EXPECT_THROW(set.add(s), std::invalid_argument);
  EXPECT_TRUE(set.empty());
}

}  // namespace
}  // namespace sweep
