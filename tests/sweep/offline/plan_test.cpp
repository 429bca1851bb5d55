#include "sweep/offline/plan.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "sweep/search/scheduler.h"

namespace sweep {
namespace {

TEST(ParameterSet, NamesTheDataSetAndTheKeysThatChangeIds) {
  Grid g = parse_grid_text(
      "epochs = 2\ndata_dir = /data/x\n[grid]\nfilters = 8, 16\nlearning_rate = 0.1\n", "g.ini");
  EXPECT_EQ(parameter_set(g), "dataset=fashion_mnist; keys: epochs filters learning_rate");
  Grid more =
      parse_grid_text("epochs = 5\n[grid]\nlearning_rate = 0.1, 0.2\nfilters = 8, 32\n", "h.ini");
  EXPECT_EQ(parameter_set(more), parameter_set(g));  // values and order do not matter
  apply_overrides(more, {{"seed", "3"}});
  EXPECT_EQ(parameter_set(more), "dataset=fashion_mnist; keys: epochs filters learning_rate seed");
  Grid other = parse_grid_text(
      "dataset = mnist\nepochs = 2\n[grid]\nfilters = 8\n"
      "learning_rate = 0.1\n",
      "m.ini");
  EXPECT_EQ(parameter_set(other), "dataset=mnist; keys: epochs filters learning_rate");
}

TEST(ParameterSet, CheckRefusesAnotherSetAndAcceptsUnknown) {
  const std::string a = "dataset=mnist; keys: epochs";
  EXPECT_NO_THROW(check_parameter_set("r.h5", a, a));
  EXPECT_NO_THROW(check_parameter_set("r.h5", "", a));
  try {
    check_parameter_set("r.h5", a, "dataset=mnist; keys: epochs seed");
    FAIL() << "accepted another parameter set";
  } catch (const GridError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("r.h5: written for a different parameter set"), std::string::npos) << m;
    EXPECT_NE(m.find("this grid: dataset=mnist; keys: epochs seed"), std::string::npos) << m;
  }
}

TEST(IdsToSkip, FailedTrialsRunAgainOnlyWhenAsked) {
  const std::vector<std::pair<std::uint64_t, Status>> stored = {
      {1, Status::kOk}, {2, Status::kFailed}, {3, Status::kDiverged}};
  EXPECT_EQ(ids_to_skip(stored, false), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(ids_to_skip(stored, true), (std::vector<std::uint64_t>{1, 3}));
}

}  // namespace
}  // namespace sweep
