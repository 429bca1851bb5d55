#include "sweep/grid/grid.h"

#include <gtest/gtest.h>

#include <set>

#include "core/errors.h"
#include "core/trial_id.h"

namespace sweep {
namespace {

// Parses `text` and returns the GridError message, or "" when it parsed.
std::string error_of(const std::string& text) {
  try {
    parse_grid_text(text, "g.ini");
  } catch (const GridError& e) {
    return e.what();
  }
  return "";
}

TEST(GridParse, FixedKeysAndAxes) {
  Grid g = parse_grid_text(
      "# comment\nepochs = 2\nseed=7\n\n[grid]\nfilters = 8, 16\nlearning_rate = [1e-3, 0.003]\n",
      "g.ini");
  ASSERT_EQ(g.entries.size(), 4u);
  EXPECT_EQ(g.fixed_value("epochs"), "2");
  EXPECT_EQ(g.fixed_value("seed"), "7");
  EXPECT_EQ(g.fixed_value("batch_size"), "64");  // schema default
  const GridEntry* lr = g.find("learning_rate");
  ASSERT_NE(lr, nullptr);
  EXPECT_TRUE(lr->axis);
  EXPECT_EQ(lr->values, (std::vector<std::string>{"0.001", "0.003"}));
  EXPECT_EQ(lr->origin, "g.ini:7");
  EXPECT_EQ(g.size(), 4u);
}

TEST(GridParse, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("epochs = 2\nfilterz = 3\n"),
            "g.ini:2: unknown key 'filterz'; did you mean 'filters'?");
  EXPECT_EQ(error_of("[grid]\nfilters =\n"), "g.ini:2: key 'filters': empty list of values");
  EXPECT_EQ(error_of("[grid]\nfilters = []\n"), "g.ini:2: key 'filters': empty list of values");
  EXPECT_EQ(error_of("[grid]\nfilters = 8,,16\n"),
            "g.ini:2: key 'filters': empty value in list '8,,16'");
  EXPECT_EQ(
      error_of("\n\n[grid]\nbatch_size = 32, abc\n"),
      "g.ini:4: key 'batch_size': 'abc' is not an integer; expected an integer in [1, 1048576]");
  EXPECT_EQ(error_of("learning_rate = -1\n"),
            "g.ini:1: key 'learning_rate': -1 is out of range; expected a number in (0, 10]");
  EXPECT_EQ(error_of("dropout = 1\n"),
            "g.ini:1: key 'dropout': 1 is out of range; expected a number in [0, 1)");
  EXPECT_EQ(error_of("epochs = 2.5\n"),
            "g.ini:1: key 'epochs': '2.5' is not an integer; expected an integer in [1, 100000]");
  EXPECT_EQ(error_of("model = mlp\n"),
            "g.ini:1: key 'model': 'mlp' is not a known value; expected one of cnn resnet vit "
            "torchscript noop");
  EXPECT_EQ(error_of("epochs\n"), "g.ini:1: expected 'key = value', found 'epochs'");
  EXPECT_EQ(
      error_of("[search]\nx = 1\n"),
      "g.ini:1: unknown section [search]; only top-level keys and a [grid] section are allowed");
  EXPECT_EQ(error_of("epochs = 1\nepochs = 2\n"),
            "g.ini:2: key 'epochs' is set twice (also at g.ini:1)");
  EXPECT_EQ(error_of("epochs = 1\n[grid]\nepochs = 2, 3\n"),
            "g.ini:3: key 'epochs' is set twice (also at g.ini:1)");
  EXPECT_EQ(error_of("[grid]\nfilters = 16, 16.0\n"),
            "g.ini:2: key 'filters': '16.0' is not an integer; expected an integer in [1, 4096]");
  EXPECT_EQ(error_of("[grid]\nlearning_rate = 0.001, 1e-3\n"),
            "g.ini:2: key 'learning_rate': value 1e-3 appears twice");
  EXPECT_EQ(
      error_of("filters = 8, 16\n"),
      "g.ini:1: key 'filters': a list of values or a distribution belongs in the [grid] section");
  EXPECT_EQ(error_of("[grid]\ndata_dir = a, b\n"),
            "g.ini:2: key 'data_dir' cannot be swept; set it once at the top of the file");
  EXPECT_EQ(error_of("[grid\n"), "g.ini:1: bad section line '[grid'");
}

TEST(GridParse, AByteOrderMarkIsSkipped) {
  // The issue's case: a grid saved with a UTF-8 byte-order mark failed with "unknown key
  // 'dataset'; did you mean 'dataset'?", the mark being invisible.
  const Grid g = parse_grid_text(
      "\xEF\xBB\xBF"
      "dataset = mnist\n[grid]\nfilters = 8, 16\n",
      "g.ini");
  EXPECT_EQ(g.fixed_value("dataset"), "mnist");
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.text.rfind("dataset", 0), 0u);
}

TEST(GridParse, MissingFileIsAGridError) {
  try {
    read_grid_file("/nonexistent/grid.ini");
    FAIL() << "no error";
  } catch (const GridError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/grid.ini: cannot open the grid file");
  }
}

TEST(GridOverrides, ReplaceAddAndValidate) {
  Grid g = parse_grid_text("epochs = 2\n[grid]\nfilters = 8, 16\n", "g.ini");
  apply_overrides(g, {{"filters", "32"}, {"learning_rate", "0.01,0.1"}, {"epochs", "1"}});
  EXPECT_FALSE(g.find("filters")->axis);
  EXPECT_EQ(g.fixed_value("filters"), "32");
  EXPECT_TRUE(g.find("learning_rate")->axis);
  EXPECT_EQ(g.fixed_value("epochs"), "1");
  EXPECT_EQ(g.size(), 2u);
  try {
    apply_overrides(g, {{"epochz", "1"}});
    FAIL() << "no error";
  } catch (const GridError& e) {
    EXPECT_EQ(std::string(e.what()),
              "command line --epochz: unknown key 'epochz'; did you mean 'epochs'?");
  }
  EXPECT_THROW(apply_overrides(g, {{"batch_size", "0"}}), GridError);
}

TEST(GridConsistency, CsvNeedsTrainCsv) {
  Grid g = parse_grid_text("dataset = csv\n", "g.ini");
  try {
    check_consistency(g);
    FAIL() << "no error";
  } catch (const GridError& e) {
    EXPECT_EQ(std::string(e.what()), "g.ini:1: key 'train_csv' is required when dataset = csv");
  }
  Grid ok = parse_grid_text("dataset = csv\ntrain_csv = a.csv\n", "g.ini");
  EXPECT_NO_THROW(check_consistency(ok));
}

std::string consistency_error(const std::string& text) {
  try {
    check_consistency(parse_grid_text(text, "g.ini"));
  } catch (const GridError& e) {
    return e.what();
  }
  return "";
}

TEST(GridConsistency, AKeyNoTrialUsesIsAnError) {
  EXPECT_EQ(consistency_error("momentum = 0.8\n"),
            "g.ini:1: key 'momentum' is only used when optimizer is sgd, and this grid has "
            "optimizer = adam; remove the key or change optimizer");
  EXPECT_EQ(consistency_error("model = resnet\n[grid]\nfilters = 8, 16\n"),
            "g.ini:3: key 'filters' is only used when model is cnn, and this grid has model = "
            "resnet; remove the key or change model");
  EXPECT_EQ(consistency_error("schedule = onecycle\nlearning_rate = 0.1\n"),
            "g.ini:2: key 'learning_rate' is only used when schedule is one of none, step, "
            "cosine, plateau, and this grid has schedule = onecycle; remove the key or change "
            "schedule");
  EXPECT_EQ(consistency_error("optimizer = sgd\nmomentum = 0.8\nnesterov = true\n"), "");
  // Used by some trials of an axis: fine.
  EXPECT_EQ(consistency_error("[grid]\nmodel = cnn, vit\nfilters = 8, 16\nheads = 2, 4\n"), "");
  EXPECT_EQ(consistency_error("search = random\nsamples = 3\n[grid]\n"
                              "optimizer = choice(adam, sgd)\nmomentum = 0.5, 0.9\n"),
            "");
}

TEST(GridConsistency, EarlyStoppingNeedsValidationAndNoAsha) {
  EXPECT_EQ(consistency_error("early_stop_patience = 2\nval_split = 0\n"),
            "g.ini:2: early_stop_patience watches the validation loss; val_split must be above 0");
  EXPECT_EQ(consistency_error("early_stop_patience = 2\n"), "");
  EXPECT_EQ(consistency_error("early_stop_patience = 0\nval_split = 0\n"), "");
  EXPECT_EQ(consistency_error("search = asha\nsamples = 2\nmax_epochs = 4\n"
                              "early_stop_patience = 2\n"),
            "g.ini:4: early_stop_patience cannot be used with successive halving, which decides "
            "itself how long each trial trains");
}

TEST(GridConsistency, AGridTooBigToExpandIsRefusedBeforeExpanding) {
  // 7 axes of 12 values: 35 million trials, which would not fit in memory.
  std::string big = "[grid]\n";
  for (const std::string k : {"seed", "epochs", "batch_size", "filters", "dense_units",
                              "train_subset", "learning_rate"}) {
    big += k + " = ";
    for (int v = 1; v <= 12; ++v) {
      big += (v > 1 ? ", " : "") + std::to_string(v) + (k == "learning_rate" ? "e-3" : "");
    }
    big += "\n";
  }
  EXPECT_NE(consistency_error(big).find("g.ini: the grid expands to more than 10000000 trials "
                                        "(seed (12) x epochs (12) x batch_size (12)"),
            std::string::npos)
      << consistency_error(big);
  EXPECT_EQ(consistency_error("[grid]\nseed = 1, 2\nepochs = 1, 2, 3\n"), "");
}

TEST(GridExpand, TrialsDifferingOnlyInUnusedKeysAreOne) {
  // filters matters to cnn only: the vit trials hold its default and are one trial each.
  Grid g = parse_grid_text("[grid]\nmodel = cnn, vit\nfilters = 8, 16\n", "g.ini");
  std::vector<TrialSpec> t = expand(g).specs();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].get("model"), "cnn");
  EXPECT_EQ(t[1].get("filters"), "16");
  EXPECT_EQ(t[2].get("model"), "vit");
  EXPECT_EQ(t[2].get("filters"), "32");  // the default
  // The same vit trial as when filters is never named.
  Grid plain = parse_grid_text("model = vit\n", "g.ini");
  EXPECT_EQ(t[2].trial_id, expand(plain).front().trial_id);
}

TEST(GridExpand, CartesianProductLastAxisFastest) {
  Grid g = parse_grid_text("[grid]\nfilters = 8, 16\ndense_units = 32, 64, 128\n", "g.ini");
  std::vector<TrialSpec> t = expand(g).specs();
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0].get("filters"), "8");
  EXPECT_EQ(t[0].get("dense_units"), "32");
  EXPECT_EQ(t[1].get("dense_units"), "64");
  EXPECT_EQ(t[3].get("filters"), "16");
  EXPECT_EQ(t[5].get("dense_units"), "128");
  std::set<std::uint64_t> ids;
  for (const auto& s : t) {
    ids.insert(s.trial_id);
    EXPECT_EQ(s.trial_id, trial_id_of(s.params));
    EXPECT_EQ(s.get("epochs"), "5");  // every key is present with its effective value
  }
  EXPECT_EQ(ids.size(), 6u);
}

TEST(GridExpand, NoAxesGivesOneTrial) {
  Grid g = parse_grid_text("epochs = 1\n", "g.ini");
  EXPECT_EQ(expand(g).size(), 1u);
}

}  // namespace
}  // namespace sweep
