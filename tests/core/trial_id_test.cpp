#include "core/trial_id.h"

#include <gtest/gtest.h>

#include "core/keys.h"
#include "sweep/grid/grid.h"

namespace sweep {
namespace {

std::uint64_t id_of(const std::string& grid_text) {
  return expand(parse_grid_text(grid_text, "g.ini")).front().trial_id;
}

TEST(TrialId, SameSettingsSameIdWhateverTheSpelling) {
  EXPECT_EQ(id_of("learning_rate = 0.001\n"), id_of("learning_rate = 1e-3\n"));
  EXPECT_EQ(id_of("filters = 16\nepochs = 2\n"), id_of("epochs = 2\nfilters = 16\n"));
  // A default written out is the same trial as one left implicit.
  EXPECT_EQ(id_of("batch_size = 64\n"), id_of(""));
  EXPECT_EQ(id_of("model = CNN\n"), id_of(""));
}

TEST(TrialId, ResultChangingKeysChangeTheId) {
  const std::uint64_t base = id_of("");
  for (const char* g : {"epochs = 2\n", "seed = 1\n", "filters = 8\n", "dense_units = 64\n",
                        "batch_size = 32\n", "learning_rate = 0.01\n", "dropout = 0.5\n",
                        "val_split = 0.2\n", "train_subset = 100\n", "dataset = mnist\n"}) {
    EXPECT_NE(id_of(g), base) << g;
  }
}

TEST(TrialId, PathsAreNotPartOfTheId) {
  // Moving the data keeps a results file resumable.
  EXPECT_EQ(id_of("data_dir = /a\n"), id_of("data_dir = /b\n"));
}

TEST(TrialId, StableAcrossBuildsAndMachines) {
  // Pinned: a change here breaks resuming every results file already written.
  EXPECT_EQ(canonical_text({{"filters", "8"}, {"epochs", "5"}, {"data_dir", "/x"}}),
            "sweep-trial-v1\nfilters=8\n");
  EXPECT_EQ(trial_id_hex(hash64("sweep-trial-v1\nfilters=8\n")),
            trial_id_hex(id_of("filters = 8\n")));
  EXPECT_EQ(trial_id_hex(id_of("filters = 8\n")), "b74eb0b806d168ea");
  EXPECT_EQ(trial_id_hex(0x1234), "0000000000001234");
}

TEST(TrialId, PiecewiseHashIsTheWholeHash) {
  Hash64 h;
  h.add("sweep-trial-v1\n");
  h.add("filters");
  h.add("=8\n");
  EXPECT_EQ(h.finish(), hash64("sweep-trial-v1\nfilters=8\n"));
  EXPECT_EQ(Hash64().finish(), hash64(""));
}

TEST(TrialId, IdOfValuesIsTheCanonicalId) {
  // The expander's fast path must give the ids canonical_text defines, for defaults, changed
  // keys in and out of the id, and keys out of alphabetical order.
  const TrialIdOfValues id_of_values;
  for (const std::vector<std::pair<std::string, std::string>>& changes :
       std::vector<std::vector<std::pair<std::string, std::string>>>{
           {},
           {{"filters", "8"}},
           {{"seed", "3"}, {"epochs", "2"}, {"data_dir", "/x"}},
           {{"learning_rate", "0.01"}, {"batch_size", "32"}, {"dropout", "0.25"}}}) {
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& k : known_keys()) params.emplace_back(k.name, k.default_value);
    for (const auto& [key, value] : changes) {
      for (auto& kv : params) {
        if (kv.first == key) kv.second = value;
      }
    }
    std::vector<const std::string*> values;
    for (const auto& kv : params) values.push_back(&kv.second);
    EXPECT_EQ(id_of_values(values), trial_id_of(params)) << canonical_text(params);
  }
}

}  // namespace
}  // namespace sweep
