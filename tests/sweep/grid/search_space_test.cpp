#include "sweep/grid/search_space.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/errors.h"
#include "core/trial_id.h"
#include "sweep/grid/grid.h"

namespace sweep {
namespace {

const KeySpec& key(const char* name) { return *find_key(name); }

std::string error_of(const KeySpec& k, const std::string& text) {
  try {
    parse_distribution(k, text);
  } catch (const GridError& e) {
    return e.what();
  }
  return "";
}

std::string grid_error(const std::string& text,
                       const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
  try {
    Grid g = parse_grid_text(text, "g.ini");
    apply_overrides(g, overrides);
    check_consistency(g);
  } catch (const GridError& e) {
    return e.what();
  }
  return "";
}

std::vector<TrialSpec> trials_of(const std::string& text) {
  Grid g = parse_grid_text(text, "g.ini");
  check_consistency(g);
  return expand(g).specs();
}

TEST(Distribution, ParsesEachKindToCanonicalText) {
  EXPECT_FALSE(parse_distribution(key("learning_rate"), "0.001, 0.01"));
  auto d = parse_distribution(key("learning_rate"), " loguniform( 1e-4 , 0.1 ) ");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Distribution::Kind::kLogUniform);
  EXPECT_EQ(d->text, "loguniform(1e-04, 0.1)");  // numbers as canonical_value writes them
  EXPECT_EQ(parse_distribution(key("dropout"), "uniform(0, 0.5)")->text, "uniform(0, 0.5)");
  d = parse_distribution(key("filters"), "int(8, 64)");
  EXPECT_EQ(d->low, 8);
  EXPECT_EQ(d->high, 64);
  d = parse_distribution(key("batch_size"), "choice(32, 64, 128)");
  EXPECT_EQ(d->choices, (std::vector<std::string>{"32", "64", "128"}));
  EXPECT_EQ(d->text, "choice(32, 64, 128)");
}

TEST(Distribution, RejectsWhatCannotBeSampled) {
  EXPECT_NE(error_of(key("learning_rate"), "normal(0, 1)").find("unknown distribution 'normal'"),
            std::string::npos);
  EXPECT_NE(error_of(key("learning_rate"), "loguniform(0.1, 0.01)").find("low bound must be below"),
            std::string::npos);
  EXPECT_NE(error_of(key("val_split"), "loguniform(0, 0.5)").find("above 0"), std::string::npos);
  EXPECT_NE(error_of(key("dropout"), "uniform(0, 1)").find("out of range"), std::string::npos);
  EXPECT_NE(error_of(key("learning_rate"), "int(1, 3)").find("int(a, b) is for integer keys"),
            std::string::npos);
  EXPECT_NE(error_of(key("model"), "uniform(1, 2)").find("use choice"), std::string::npos);
  EXPECT_NE(error_of(key("filters"), "uniform(8)").find("two bounds"), std::string::npos);
  EXPECT_NE(error_of(key("filters"), "choice(8, 8)").find("appears twice"), std::string::npos);
  EXPECT_NE(error_of(key("filters"), "choice()").find("no values"), std::string::npos);
  EXPECT_NE(error_of(key("filters"), "int(8, x)").find("not an integer"), std::string::npos);
}

TEST(Distribution, DrawCoversTheRangeAndRounds) {
  const auto lr = *parse_distribution(key("learning_rate"), "loguniform(1e-4, 1e-2)");
  EXPECT_EQ(draw(key("learning_rate"), lr, 0.0), "1e-04");
  EXPECT_EQ(draw(key("learning_rate"), lr, 0.5), "0.001");                // the geometric mean
  EXPECT_EQ(draw(key("learning_rate"), lr, 0.123456789), "0.000176569");  // 6 digits
  const auto u = *parse_distribution(key("dropout"), "uniform(0.1, 0.5)");
  EXPECT_EQ(draw(key("dropout"), u, 0.25), "0.2");
  EXPECT_EQ(draw(key("dropout"), u, 0.99999999999), "0.5");  // rounded, still within bounds
  const auto i = *parse_distribution(key("filters"), "int(8, 10)");
  EXPECT_EQ(draw(key("filters"), i, 0.0), "8");
  EXPECT_EQ(draw(key("filters"), i, 0.34), "9");
  EXPECT_EQ(draw(key("filters"), i, 0.9999), "10");
  const auto li = *parse_distribution(key("dense_units"), "loguniform(16, 1024)");
  EXPECT_EQ(draw(key("dense_units"), li, 0.5), "128");  // integer key: rounded to an integer
  const auto c = *parse_distribution(key("batch_size"), "choice(32, 64)");
  EXPECT_EQ(draw(key("batch_size"), c, 0.49), "32");
  EXPECT_EQ(draw(key("batch_size"), c, 0.5), "64");
}

TEST(SampleUniform, DeterministicIndependentAndUniform) {
  EXPECT_EQ(sample_uniform(1, 2, "filters"), sample_uniform(1, 2, "filters"));
  EXPECT_NE(sample_uniform(1, 2, "filters"), sample_uniform(1, 2, "dropout"));
  EXPECT_NE(sample_uniform(1, 2, "filters"), sample_uniform(1, 3, "filters"));
  EXPECT_NE(sample_uniform(1, 2, "filters"), sample_uniform(2, 2, "filters"));
  double sum = 0;
  int low_tenth = 0;
  for (int i = 0; i < 20000; ++i) {
    const double u = sample_uniform(0, i, "learning_rate");
    ASSERT_GE(u, 0);
    ASSERT_LT(u, 1);
    sum += u;
    low_tenth += u < 0.1;
  }
  EXPECT_NEAR(sum / 20000, 0.5, 0.01);
  EXPECT_NEAR(low_tenth / 20000.0, 0.1, 0.01);
}

constexpr const char* kRandom =
    "search = random\nsamples = 20\nsearch_seed = 3\nepochs = 2\n[grid]\n"
    "learning_rate = loguniform(1e-4, 1e-1)\nfilters = 8, 16, 32\ndropout = uniform(0, 0.5)\n";

TEST(RandomSearch, DrawsDistinctReproducibleTrialsWithinTheSpace) {
  const auto a = trials_of(kRandom);
  ASSERT_EQ(a.size(), 20u);
  std::set<std::uint64_t> ids;
  std::set<std::string> filters;
  for (const auto& t : a) {
    ids.insert(t.trial_id);
    EXPECT_EQ(t.trial_id, trial_id_of(t.params));  // the expander's id is the canonical one
    const double lr = std::stod(t.get("learning_rate"));
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 0.1);
    EXPECT_LE(std::stod(t.get("dropout")), 0.5);
    filters.insert(t.get("filters"));
    EXPECT_EQ(t.get("epochs"), "2");
  }
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_EQ(filters.size(), 3u);  // a list is sampled as a choice
  const auto b = trials_of(kRandom);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].trial_id, b[i].trial_id);
  // More samples keep the first ones; another seed draws others.
  std::string more = kRandom;
  more.replace(more.find("samples = 20"), 12, "samples = 30");
  const auto c = trials_of(more);
  ASSERT_EQ(c.size(), 30u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].trial_id, c[i].trial_id);
  std::string other = kRandom;
  other.replace(other.find("search_seed = 3"), 15, "search_seed = 4");
  EXPECT_NE(trials_of(other)[0].trial_id, a[0].trial_id);
}

TEST(AshaSearch, ConfigurationsAreSampledAndTrainedToMaxEpochs) {
  const auto t = trials_of(
      "search = asha\nsamples = 5\nmax_epochs = 9\n[grid]\nlearning_rate = "
      "loguniform(1e-4, 1e-1)\n");
  ASSERT_EQ(t.size(), 5u);
  for (const auto& x : t) EXPECT_EQ(x.get("epochs"), "9");
  // The same draws as random search: the values of sample i depend on the seed, i and key.
  const auto r =
      trials_of("search = random\nsamples = 5\n[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\n");
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].get("learning_rate"), r[i].get("learning_rate"));
  }
}

TEST(RandomSearch, StopsWhenTheSpaceHasFewerDistinctTrials) {
  const auto t = trials_of("search = random\nsamples = 10\n[grid]\nbatch_size = choice(32, 64)\n");
  EXPECT_EQ(t.size(), 2u);
}

TEST(RandomSearch, SettingsFromTheCommandLine) {
  Grid g = parse_grid_text("epochs = 1\n", "g.ini");
  apply_overrides(
      g, {{"search", "random"}, {"samples", "4"}, {"learning_rate", "loguniform(1e-4, 1e-2)"}});
  check_consistency(g);
  EXPECT_EQ(expand(g).size(), 4u);
  EXPECT_TRUE(g.find("learning_rate")->axis);
}

TEST(RandomSearch, ErrorsSayWhatToDo) {
  EXPECT_EQ(grid_error("[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\n"),
            "g.ini:2: key 'learning_rate' is a distribution, loguniform(1e-04, 0.1), which a grid "
            "cannot enumerate; set search = random and samples = N, or give a list of values");
  EXPECT_EQ(grid_error("search = random\n[grid]\nfilters = 8, 16\n"),
            "g.ini:1: search = random needs samples = N (how many trials to draw)");
  EXPECT_EQ(grid_error("samples = 5\n[grid]\nfilters = 8, 16\n"),
            "g.ini:1: key 'samples' is only used with search = random or asha; remove it or set "
            "search = random");
  EXPECT_EQ(grid_error("[grid]\nsearch = random\n"),
            "g.ini:2: key 'search' is a search setting; set it once at the top of the file");
  EXPECT_EQ(
      grid_error("search = bayes\n"),
      "g.ini:1: key 'search': 'bayes' is not a known value; expected grid, random, asha or tpe");
  EXPECT_EQ(grid_error("search = asha\nsamples = 3\n"),
            "g.ini:1: search = asha needs max_epochs = N (the top rung's epochs)");
  EXPECT_EQ(grid_error("search = asha\nsamples = 3\nmax_epochs = 3\nmin_epochs = 4\n"),
            "g.ini:4: min_epochs (4) is above max_epochs (3)");
  EXPECT_EQ(grid_error("search = asha\nmax_epochs = 3\nreduction_factor = 1\n"),
            "g.ini:3: key 'reduction_factor': '1' is not an integer in [2, 100]");
  EXPECT_EQ(grid_error("search = asha\nsamples = 3\nmax_epochs = 9\n[grid]\nval_split = 0, 0.1\n"),
            "g.ini:5: search = asha compares trials by validation accuracy; val_split must be "
            "above 0");
  EXPECT_EQ(grid_error("max_epochs = 4\n"),
            "g.ini:1: min_epochs, max_epochs and reduction_factor are only used with search = asha "
            "or tpe");
  EXPECT_EQ(grid_error("search = random\nsamples = 0\n"),
            "g.ini:2: key 'samples': '0' is not an integer in [1, 10000000]");
  EXPECT_EQ(grid_error("search = random\nsearch = grid\n"), "g.ini:2: key 'search' is set twice");
  EXPECT_EQ(grid_error("learning_rate = loguniform(1e-4, 1e-1)\n"),
            "g.ini:1: key 'learning_rate': a list of values or a distribution belongs in the "
            "[grid] section");
  EXPECT_EQ(grid_error("", {{"samples", "x"}}),
            "command line --samples: key 'samples': 'x' is not an integer in [1, 10000000]");
}

}  // namespace
}  // namespace sweep
