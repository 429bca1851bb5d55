#include "sweep/search/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "core/errors.h"

namespace sweep {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Shard, OptionWinsAndIsOneBased) {
  auto s =
      resolve_shard("2/8", env_of({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "9"}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 1);
  EXPECT_EQ(s->count, 8);
  EXPECT_EQ(s->tag(), "2-of-8");
  EXPECT_FALSE(resolve_shard("1/1", env_of({{"SLURM_ARRAY_TASK_ID", "5"}})));  // 1/1: everything
  EXPECT_FALSE(resolve_shard("", env_of({})));
  EXPECT_THROW(resolve_shard("0/4", env_of({})), UsageError);
  EXPECT_THROW(resolve_shard("5/4", env_of({})), UsageError);
  EXPECT_THROW(resolve_shard("2", env_of({})), UsageError);
  EXPECT_THROW(resolve_shard("a/4", env_of({})), UsageError);
}

TEST(Shard, FromSlurmArrays) {
  // sbatch --array=0-3
  auto s = resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "2"},
                                     {"SLURM_ARRAY_TASK_MIN", "0"},
                                     {"SLURM_ARRAY_TASK_MAX", "3"},
                                     {"SLURM_ARRAY_TASK_COUNT", "4"}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 4);
  EXPECT_EQ(s->source, "Slurm array");
  // sbatch --array=1-8 without COUNT (older Slurm)
  s = resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "1"},
                                {"SLURM_ARRAY_TASK_MIN", "1"},
                                {"SLURM_ARRAY_TASK_MAX", "8"}}));
  EXPECT_EQ(s->index, 0);
  EXPECT_EQ(s->count, 8);
  // sbatch --array=10-20:5 -> 10, 15, 20
  s = resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "15"},
                                {"SLURM_ARRAY_TASK_MIN", "10"},
                                {"SLURM_ARRAY_TASK_MAX", "20"},
                                {"SLURM_ARRAY_TASK_STEP", "5"}}));
  EXPECT_EQ(s->index, 1);
  EXPECT_EQ(s->count, 3);
  EXPECT_THROW(resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "3"}})), UsageError);
  EXPECT_THROW(
      resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "2"}})),
      UsageError);
}

TEST(Shard, FromLsfArraysStartingAtOne) {
  // bsub -J "sweep[1-4]"
  auto s = resolve_shard("", env_of({{"LSB_JOBINDEX", "4"}, {"LSB_JOBINDEX_END", "4"}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3);
  EXPECT_EQ(s->count, 4);
  EXPECT_EQ(s->source, "LSF array");
  EXPECT_FALSE(resolve_shard("", env_of({{"LSB_JOBINDEX", "0"}})));  // not an array job
  EXPECT_THROW(resolve_shard("", env_of({{"LSB_JOBINDEX", "5"}, {"LSB_JOBINDEX_END", "4"}})),
               UsageError);
  EXPECT_THROW(resolve_shard("", env_of({{"LSB_JOBINDEX", "2"}})), UsageError);
}

TEST(Shard, BalancedByCostNotCount) {
  // One trial as costly as the other five together: it gets a shard of its own.
  std::vector<double> costs = {1, 1, 5, 1, 1, 1};
  std::vector<int> of = assign_shards(costs, 2);
  EXPECT_EQ(of, (std::vector<int>{1, 1, 0, 1, 1, 1}));
  EXPECT_EQ(assign_shards(costs, 2), of);  // deterministic
  // Every trial in exactly one shard; loads within the largest trial of each other.
  std::vector<double> many(37);
  std::iota(many.begin(), many.end(), 1.0);
  std::vector<double> load(4, 0);
  std::vector<int> s4 = assign_shards(many, 4);
  for (std::size_t i = 0; i < many.size(); ++i) {
    ASSERT_GE(s4[i], 0);
    ASSERT_LT(s4[i], 4);
    load[s4[i]] += many[i];
  }
  auto [lo, hi] = std::minmax_element(load.begin(), load.end());
  EXPECT_LE(*hi - *lo, 37.0);
}

}  // namespace
}  // namespace sweep
